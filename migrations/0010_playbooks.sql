CREATE TABLE `checklist_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL,
	`checked_by` text,
	`checked_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checklist_items_incident_position` ON `checklist_items` (`incident_id`,`position`);--> statement-breakpoint
CREATE TABLE `incident_triggers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`name` text NOT NULL,
	`marked_by` text NOT NULL,
	`marked_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incident_triggers_incident_name` ON `incident_triggers` (`incident_id`,`name`);--> statement-breakpoint
ALTER TABLE `incidents` ADD `classification` text;