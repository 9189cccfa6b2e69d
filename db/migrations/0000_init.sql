CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_uq` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_created_at_idx` ON `api_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `embeddings` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`evaluator_id` text NOT NULL,
	`vector` blob NOT NULL,
	`dim` integer NOT NULL,
	`truncated` integer,
	`token_count` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`kind`, `key`, `evaluator_id`),
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "embeddings_kind_ck" CHECK("embeddings"."kind" in ('image', 'text'))
);
--> statement-breakpoint
CREATE TABLE `evaluators` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`variant` text NOT NULL,
	`is_fixture` integer NOT NULL,
	`files` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `images` (
	`sha256` text PRIMARY KEY NOT NULL,
	`bytes` integer NOT NULL,
	`format` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`run_id` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`heartbeat_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`last_error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "jobs_kind_ck" CHECK("jobs"."kind" in ('score_run')),
	CONSTRAINT "jobs_status_ck" CHECK("jobs"."status" in ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `jobs_status_lease_idx` ON `jobs` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE INDEX `jobs_run_idx` ON `jobs` (`run_id`);--> statement-breakpoint
CREATE TABLE `prompt_scores` (
	`run_id` text NOT NULL,
	`prompt_id` integer NOT NULL,
	`evaluator_id` text NOT NULL,
	`n` integer NOT NULL,
	`failed` integer NOT NULL,
	`clip_score` real,
	`clip_s` real,
	`diversity` real,
	`diversity_reason` text,
	`vendi` real,
	`truncated` integer DEFAULT false NOT NULL,
	`metric_versions` text NOT NULL,
	PRIMARY KEY(`run_id`, `prompt_id`, `evaluator_id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`prompt_id`) REFERENCES `prompts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `prompt_sets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`description` text,
	`is_implicit` integer DEFAULT false NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prompt_sets_name_version_uq` ON `prompt_sets` (`name`,`version`);--> statement-breakpoint
CREATE INDEX `prompt_sets_created_at_idx` ON `prompt_sets` (`created_at`);--> statement-breakpoint
CREATE TABLE `prompts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`prompt_set_id` text NOT NULL,
	`prompt_key` text NOT NULL,
	`text` text NOT NULL,
	`category` text,
	`position` integer NOT NULL,
	FOREIGN KEY (`prompt_set_id`) REFERENCES `prompt_sets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prompts_set_key_uq` ON `prompts` (`prompt_set_id`,`prompt_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `prompts_set_position_uq` ON `prompts` (`prompt_set_id`,`position`);--> statement-breakpoint
CREATE UNIQUE INDEX `prompts_set_text_uq` ON `prompts` (`prompt_set_id`,`text`);--> statement-breakpoint
CREATE TABLE `run_scores` (
	`run_id` text NOT NULL,
	`evaluator_id` text NOT NULL,
	`n` integer NOT NULL,
	`failed` integer NOT NULL,
	`groups` integer NOT NULL,
	`clip_score` real,
	`clip_s` real,
	`diversity` real,
	`vendi` real,
	`diversity_groups` integer NOT NULL,
	`truncated_prompts` integer DEFAULT 0 NOT NULL,
	`ci` text NOT NULL,
	`metric_versions` text NOT NULL,
	`computed_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`run_id`, `evaluator_id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `run_scores_evaluator_idx` ON `run_scores` (`evaluator_id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`variant_id` text NOT NULL,
	`prompt_set_id` text NOT NULL,
	`guidance_scale` real NOT NULL,
	`sampler` text,
	`steps` integer,
	`seed_policy` text,
	`source` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`progress_done` integer DEFAULT 0 NOT NULL,
	`progress_total` integer DEFAULT 0 NOT NULL,
	`images_embedded` integer DEFAULT 0 NOT NULL,
	`image_cache_hits` integer DEFAULT 0 NOT NULL,
	`error` text,
	`evaluator_id` text,
	`fingerprint` text NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`variant_id`) REFERENCES `variants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prompt_set_id`) REFERENCES `prompt_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "runs_source_ck" CHECK("runs"."source" in ('uploaded', 'generated')),
	CONSTRAINT "runs_status_ck" CHECK("runs"."status" in ('queued', 'scoring', 'scored', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_fingerprint_uq` ON `runs` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `runs_created_at_idx` ON `runs` (`created_at`);--> statement-breakpoint
CREATE INDEX `runs_variant_created_idx` ON `runs` (`variant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_prompt_set_created_idx` ON `runs` (`prompt_set_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_status_created_idx` ON `runs` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `sample_scores` (
	`sample_id` integer NOT NULL,
	`evaluator_id` text NOT NULL,
	`cosine` real,
	`error_code` text,
	`error_message` text,
	`metric_version` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`sample_id`, `evaluator_id`),
	FOREIGN KEY (`sample_id`) REFERENCES `samples`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `samples` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`prompt_id` integer NOT NULL,
	`seed` integer,
	`sample_index` integer NOT NULL,
	`image_sha256` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`file_name` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`prompt_id`) REFERENCES `prompts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`image_sha256`) REFERENCES `images`(`sha256`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `samples_run_file_uq` ON `samples` (`run_id`,`file_name`);--> statement-breakpoint
CREATE UNIQUE INDEX `samples_run_prompt_index_uq` ON `samples` (`run_id`,`prompt_id`,`sample_index`);--> statement-breakpoint
CREATE INDEX `samples_run_idx` ON `samples` (`run_id`);--> statement-breakpoint
CREATE INDEX `samples_image_idx` ON `samples` (`image_sha256`);--> statement-breakpoint
CREATE INDEX `samples_prompt_idx` ON `samples` (`prompt_id`);--> statement-breakpoint
CREATE TABLE `variants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`model` text,
	`links` text DEFAULT '[]' NOT NULL,
	`conditioning_type` text NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "variants_conditioning_type_ck" CHECK("variants"."conditioning_type" in ('text_sequence', 'clip_image_embedding', 'clip_text_embedding', 'clip_image_embedding+text_sequence', 'other'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `variants_name_uq` ON `variants` (`name`);--> statement-breakpoint
CREATE INDEX `variants_created_at_idx` ON `variants` (`created_at`);