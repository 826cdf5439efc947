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
CREATE INDEX `contact_tests_user` ON `contact_tests` (`user_id`,`started_at`);