CREATE TABLE `page_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`sid` text NOT NULL,
	`placed_at` integer NOT NULL,
	`ended_at` integer,
	`end_status` text,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `page_calls_sid` ON `page_calls` (`sid`);--> statement-breakpoint
CREATE INDEX `page_calls_page` ON `page_calls` (`page_id`);--> statement-breakpoint
ALTER TABLE `pages` ADD `acked_via` text;--> statement-breakpoint
ALTER TABLE `pages` ADD `resolved_via` text;