PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_runs` (
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
	`generated_done` integer DEFAULT 0 NOT NULL,
	`generated_total` integer DEFAULT 0 NOT NULL,
	`generation_id` text,
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
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "runs_source_ck" CHECK("__new_runs"."source" in ('uploaded', 'generated')),
	CONSTRAINT "runs_status_ck" CHECK("__new_runs"."status" in ('generating', 'queued', 'scoring', 'scored', 'failed'))
);
--> statement-breakpoint
INSERT INTO `__new_runs`("id", "variant_id", "prompt_set_id", "guidance_scale", "sampler", "steps", "seed_policy", "source", "status", "progress_done", "progress_total", "images_embedded", "image_cache_hits", "generated_done", "generated_total", "generation_id", "error", "evaluator_id", "fingerprint", "is_demo", "created_at", "updated_at", "started_at", "finished_at") SELECT "id", "variant_id", "prompt_set_id", "guidance_scale", "sampler", "steps", "seed_policy", "source", "status", "progress_done", "progress_total", "images_embedded", "image_cache_hits", "generated_done", "generated_total", "generation_id", "error", "evaluator_id", "fingerprint", "is_demo", "created_at", "updated_at", "started_at", "finished_at" FROM `runs`;--> statement-breakpoint
DROP TABLE `runs`;--> statement-breakpoint
ALTER TABLE `__new_runs` RENAME TO `runs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_fingerprint_uq` ON `runs` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `runs_created_at_idx` ON `runs` (`created_at`);--> statement-breakpoint
CREATE INDEX `runs_variant_created_idx` ON `runs` (`variant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_prompt_set_created_idx` ON `runs` (`prompt_set_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_status_created_idx` ON `runs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_generation_idx` ON `runs` (`generation_id`);