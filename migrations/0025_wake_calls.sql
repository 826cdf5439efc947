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
CREATE INDEX `wake_calls_sid` ON `wake_calls` (`sid`);