CREATE INDEX `alerts_rotation_seen` ON `alerts` (`rotation`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `alerts_seen` ON `alerts` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `incidents_declared` ON `incidents` (`declared_at`);--> statement-breakpoint
CREATE INDEX `page_messages_user` ON `page_messages` (`user_id`);--> statement-breakpoint
CREATE INDEX `page_messages_ref` ON `page_messages` (`ref`);--> statement-breakpoint
CREATE INDEX `pages_source_ref` ON `pages` (`source_ref`);--> statement-breakpoint
CREATE INDEX `slack_messages_channel_ts` ON `slack_messages` (`channel`,`ts`);