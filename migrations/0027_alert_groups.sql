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
ALTER TABLE `alerts` ADD `group_id` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `source_group_key` text;--> statement-breakpoint
CREATE INDEX `alerts_group` ON `alerts` (`group_id`);--> statement-breakpoint
CREATE INDEX `alerts_source_group` ON `alerts` (`integration`,`source_group_key`,`status`);