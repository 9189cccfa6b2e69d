CREATE TABLE `generation_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`generation_id` text NOT NULL,
	`run_id` text NOT NULL,
	`prompt_id` integer NOT NULL,
	`sample_from` integer NOT NULL,
	`sample_to` integer NOT NULL,
	`position` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`heartbeat_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`last_error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`prompt_id`) REFERENCES `prompts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lease_owner`) REFERENCES `worker_tokens`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "generation_tasks_status_ck" CHECK("generation_tasks"."status" in ('queued', 'running', 'done', 'failed', 'cancelled')),
	CONSTRAINT "generation_tasks_range_ck" CHECK("generation_tasks"."sample_from" >= 0 and "generation_tasks"."sample_to" > "generation_tasks"."sample_from")
);
--> statement-breakpoint
CREATE INDEX `generation_tasks_status_lease_idx` ON `generation_tasks` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE INDEX `generation_tasks_queue_idx` ON `generation_tasks` (`status`,`created_at`,`generation_id`,`position`);--> statement-breakpoint
CREATE INDEX `generation_tasks_generation_idx` ON `generation_tasks` (`generation_id`,`position`);--> statement-breakpoint
CREATE INDEX `generation_tasks_run_idx` ON `generation_tasks` (`run_id`);--> statement-breakpoint
CREATE TABLE `generations` (
	`id` text PRIMARY KEY NOT NULL,
	`variant_id` text NOT NULL,
	`prompt_set_id` text NOT NULL,
	`guidance_scales` text NOT NULL,
	`samples_per_prompt` integer NOT NULL,
	`seed` integer NOT NULL,
	`steps` integer NOT NULL,
	`sampler` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`negative_prompt` text,
	`samples_per_task` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`error` text,
	`api_key_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`variant_id`) REFERENCES `variants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prompt_set_id`) REFERENCES `prompt_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`api_key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "generations_status_ck" CHECK("generations"."status" in ('queued', 'running', 'done', 'cancelled', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `generations_created_at_idx` ON `generations` (`created_at`);--> statement-breakpoint
CREATE INDEX `generations_variant_created_idx` ON `generations` (`variant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `generations_status_idx` ON `generations` (`status`);--> statement-breakpoint
CREATE TABLE `worker_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`variants` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_seen_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `worker_tokens_token_hash_uq` ON `worker_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `worker_tokens_created_at_idx` ON `worker_tokens` (`created_at`);--> statement-breakpoint
ALTER TABLE `runs` ADD `generated_done` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `generated_total` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `generation_id` text REFERENCES generations(id);--> statement-breakpoint
CREATE INDEX `runs_generation_idx` ON `runs` (`generation_id`);