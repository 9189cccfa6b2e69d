CREATE TABLE `reference_scores` (
	`run_id` text NOT NULL,
	`reference_set_id` text NOT NULL,
	`evaluator_id` text NOT NULL,
	`metrics` text NOT NULL,
	`computed_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`run_id`, `reference_set_id`, `evaluator_id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reference_set_id`) REFERENCES `reference_sets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reference_scores_set_idx` ON `reference_scores` (`reference_set_id`);--> statement-breakpoint
CREATE TABLE `reference_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference_set_id` text NOT NULL,
	`image_sha256` text NOT NULL,
	`prompt_id` integer,
	`file_name` text NOT NULL,
	FOREIGN KEY (`reference_set_id`) REFERENCES `reference_sets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`image_sha256`) REFERENCES `images`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prompt_id`) REFERENCES `prompts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reference_images_set_file_uq` ON `reference_images` (`reference_set_id`,`file_name`);--> statement-breakpoint
CREATE INDEX `reference_images_set_prompt_idx` ON `reference_images` (`reference_set_id`,`prompt_id`);--> statement-breakpoint
CREATE TABLE `reference_sets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`description` text,
	`prompt_set_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`prompt_set_id`) REFERENCES `prompt_sets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reference_sets_name_version_uq` ON `reference_sets` (`name`,`version`);--> statement-breakpoint
CREATE INDEX `reference_sets_prompt_set_idx` ON `reference_sets` (`prompt_set_id`);--> statement-breakpoint
CREATE INDEX `reference_sets_created_at_idx` ON `reference_sets` (`created_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`run_id` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`heartbeat_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`progress_mark` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`last_error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "jobs_kind_ck" CHECK("__new_jobs"."kind" in ('score_run', 'reference_metrics')),
	CONSTRAINT "jobs_status_ck" CHECK("__new_jobs"."status" in ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
INSERT INTO `__new_jobs`("id", "kind", "run_id", "status", "lease_owner", "lease_expires_at", "heartbeat_at", "attempts", "progress_mark", "max_attempts", "last_error", "created_at", "updated_at") SELECT "id", "kind", "run_id", "status", "lease_owner", "lease_expires_at", "heartbeat_at", "attempts", "progress_mark", "max_attempts", "last_error", "created_at", "updated_at" FROM `jobs`;--> statement-breakpoint
DROP TABLE `jobs`;--> statement-breakpoint
ALTER TABLE `__new_jobs` RENAME TO `jobs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `jobs_status_lease_idx` ON `jobs` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE INDEX `jobs_run_idx` ON `jobs` (`run_id`);