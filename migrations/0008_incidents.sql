CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`actor` text,
	`text` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_events_incident` ON `incident_events` (`incident_id`,`at`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`severity` text NOT NULL,
	`status` text DEFAULT 'investigating' NOT NULL,
	`service` text,
	`environment` text,
	`impact` text NOT NULL,
	`tags` text NOT NULL,
	`rotation` text,
	`declared_by` text NOT NULL,
	`commander` text NOT NULL,
	`roles` text NOT NULL,
	`channel_id` text,
	`announce_channel` text,
	`declared_at` integer NOT NULL,
	`last_update_at` integer,
	`next_update_due_at` integer,
	`first_update_due_at` integer,
	`resolved_at` integer,
	`resolved_by` text,
	`resolution` text,
	`postmortem_due_at` integer,
	`postmortem_link` text,
	`postmortem_done_at` integer
);
--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`);--> statement-breakpoint
CREATE INDEX `incidents_channel` ON `incidents` (`channel_id`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `thread_ref` text;