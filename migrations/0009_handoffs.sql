CREATE TABLE `handoffs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rotation` text NOT NULL,
	`boundary` integer NOT NULL,
	`outgoing` text,
	`incoming` text,
	`posted_by` text NOT NULL,
	`fields` text NOT NULL,
	`channel` text NOT NULL,
	`posted_at` integer NOT NULL,
	`confirmed_by` text,
	`confirmed_at` integer,
	`emergency_reason` text,
	`covered_by` text
);
--> statement-breakpoint
CREATE INDEX `handoffs_rotation_boundary` ON `handoffs` (`rotation`,`boundary`);