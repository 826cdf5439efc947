CREATE TABLE `alert_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`integration` text NOT NULL,
	`source` text NOT NULL,
	`rotation` text NOT NULL,
	`group_key` text NOT NULL,
	`status` text NOT NULL,
	`service` text,
	`severity` text NOT NULL,
	`routed_severity` text NOT NULL,
	`summary` text NOT NULL,
	`silence_id` integer,
	`page_id` integer,
	`first_alert_id` integer,
	`count` integer NOT NULL,
	`open_count` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`resolved_at` integer,
	`last_edited_at` integer,
	`dm_replies` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_groups_open` ON `alert_groups` (`integration`,`rotation`,`group_key`,`status`);--> statement-breakpoint
CREATE INDEX `alert_groups_service_source_seen` ON `alert_groups` (`service`,`source`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `alert_groups_page` ON `alert_groups` (`page_id`);--> statement-breakpoint
CREATE INDEX `alert_groups_status_seen` ON `alert_groups` (`status`,`last_seen_at`);--> statement-breakpoint
CREATE TABLE `contact_rules` (
	`user_id` text NOT NULL,
	`severity` text NOT NULL,
	`via` text NOT NULL,
	`after_ms` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `severity`, `via`)
);
--> statement-breakpoint
CREATE TABLE `contact_tests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`requested_by` text NOT NULL,
	`methods` text NOT NULL,
	`sent` integer NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`acked_via` text,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `contact_tests_user` ON `contact_tests` (`user_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `wake_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`page_id` integer NOT NULL,
	`sid` text,
	`placed_at` integer NOT NULL,
	`answered_at` integer,
	`named` text,
	`ended_at` integer,
	`end_status` text
);
--> statement-breakpoint
CREATE INDEX `wake_calls_user` ON `wake_calls` (`user_id`,`placed_at`);--> statement-breakpoint
CREATE INDEX `wake_calls_sid` ON `wake_calls` (`sid`);--> statement-breakpoint
CREATE INDEX `wake_calls_page` ON `wake_calls` (`page_id`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `group_id` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `source_group_key` text;--> statement-breakpoint
CREATE INDEX `alerts_group` ON `alerts` (`group_id`);--> statement-breakpoint
CREATE INDEX `alerts_source_group` ON `alerts` (`integration`,`source_group_key`,`status`);--> statement-breakpoint
ALTER TABLE `pages` ADD `acked_via` text;--> statement-breakpoint
ALTER TABLE `pages` ADD `resolved_via` text;