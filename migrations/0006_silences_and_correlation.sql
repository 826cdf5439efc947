CREATE TABLE `silences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text NOT NULL,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `alerts` ADD `routed_severity` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `silence_id` integer;