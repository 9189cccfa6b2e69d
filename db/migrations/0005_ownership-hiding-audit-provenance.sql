CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`api_key_id` text,
	`api_key_name` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_created_at_idx` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `role` text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE `generation_tasks` ADD `engine` text;--> statement-breakpoint
ALTER TABLE `generation_tasks` ADD `model_name` text;--> statement-breakpoint
ALTER TABLE `generation_tasks` ADD `model_sha256` text;--> statement-breakpoint
ALTER TABLE `generation_tasks` ADD `completed_by` text REFERENCES worker_tokens(id);--> statement-breakpoint
ALTER TABLE `prompt_sets` ADD `api_key_id` text REFERENCES api_keys(id);--> statement-breakpoint
ALTER TABLE `runs` ADD `api_key_id` text REFERENCES api_keys(id);--> statement-breakpoint
ALTER TABLE `runs` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `hidden_reason` text;--> statement-breakpoint
ALTER TABLE `variants` ADD `api_key_id` text REFERENCES api_keys(id);--> statement-breakpoint
ALTER TABLE `variants` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `variants` ADD `hidden_reason` text;