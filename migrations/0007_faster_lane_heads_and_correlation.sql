DROP INDEX `alerts_service_seen`;--> statement-breakpoint
CREATE INDEX `alerts_service_source_seen` ON `alerts` (`service`,`source`,`last_seen_at`);--> statement-breakpoint
DROP INDEX `outbox_lane`;--> statement-breakpoint
CREATE INDEX `outbox_status_lane` ON `outbox` (`status`,`lane`,`id`);