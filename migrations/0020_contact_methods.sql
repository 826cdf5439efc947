CREATE TABLE `contact_codes` (
	`user_id` text NOT NULL,
	`channel` text NOT NULL,
	`value` text NOT NULL,
	`code_hash` text NOT NULL,
	`salt` text NOT NULL,
	`expires_at` integer NOT NULL,
	`tries` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `channel`)
);
--> statement-breakpoint
CREATE TABLE `contact_methods` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`verified_at` integer,
	`last_test_at` integer,
	`last_test_result` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_methods_user_kind` ON `contact_methods` (`user_id`,`kind`);