DROP INDEX "page_messages_user";--> statement-breakpoint
CREATE INDEX "page_messages_user_recent" ON "page_messages" USING btree ("user_id","created_at","page_id","ref");