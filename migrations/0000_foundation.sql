CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`priority` integer NOT NULL,
	`method` text NOT NULL,
	`args` text NOT NULL,
	`lane` text NOT NULL,
	`ref` text,
	`target_ref` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`status`,`priority`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_lane` ON `outbox` (`lane`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `slack_messages` (
	`ref` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`ts` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `timers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`key` text,
	`payload` text NOT NULL,
	`due_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `timers_due_at` ON `timers` (`due_at`);--> statement-breakpoint
CREATE INDEX `timers_subject` ON `timers` (`subject`);--> statement-breakpoint
CREATE UNIQUE INDEX `timers_key` ON `timers` (`key`);