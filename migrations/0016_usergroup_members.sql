CREATE TABLE `usergroup_fetches` (
	`group_id` text PRIMARY KEY NOT NULL,
	`fetched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `usergroup_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `usergroup_fetches`(`group_id`) ON UPDATE no action ON DELETE cascade
);
