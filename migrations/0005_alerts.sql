CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`integration` text NOT NULL,
	`source` text NOT NULL,
	`dedup_key` text NOT NULL,
	`status` text NOT NULL,
	`service` text,
	`severity` text NOT NULL,
	`rotation` text NOT NULL,
	`summary` text NOT NULL,
	`details` text NOT NULL,
	`labels` text NOT NULL,
	`links` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`resolved_at` integer,
	`page_id` integer,
	`last_edited_at` integer
);
--> statement-breakpoint
CREATE INDEX `alerts_identity` ON `alerts` (`integration`,`dedup_key`,`status`);--> statement-breakpoint
CREATE INDEX `alerts_service_seen` ON `alerts` (`service`,`last_seen_at`);