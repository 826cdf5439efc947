CREATE TABLE `page_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` integer NOT NULL,
	`user_id` text,
	`ref` text NOT NULL,
	`step_index` integer NOT NULL,
	`loop` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `page_messages_page` ON `page_messages` (`page_id`);--> statement-breakpoint
CREATE TABLE `pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rotation` text NOT NULL,
	`severity` text NOT NULL,
	`summary` text NOT NULL,
	`source` text NOT NULL,
	`source_ref` text,
	`created_by` text,
	`status` text DEFAULT 'open' NOT NULL,
	`step_index` integer DEFAULT 0 NOT NULL,
	`loop` integer DEFAULT 0 NOT NULL,
	`exhausted_at` integer,
	`created_at` integer NOT NULL,
	`acked_by` text,
	`acked_at` integer,
	`resolved_by` text,
	`resolved_at` integer,
	`breached_at` integer
);
--> statement-breakpoint
CREATE INDEX `pages_status` ON `pages` (`status`);--> statement-breakpoint
CREATE INDEX `pages_created` ON `pages` (`created_at`);