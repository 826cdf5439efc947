CREATE TABLE `swap_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rotation` text NOT NULL,
	`role` text NOT NULL,
	`requester` text NOT NULL,
	`partner` text NOT NULL,
	`shift_start` integer NOT NULL,
	`shift_end` integer NOT NULL,
	`return_start` integer,
	`return_end` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`decided_at` integer
);
