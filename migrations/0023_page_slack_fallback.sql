ALTER TABLE `pages` ADD `slack_fallback_at` integer;--> statement-breakpoint
ALTER TABLE `pages` ADD `slack_fallback_via` text;