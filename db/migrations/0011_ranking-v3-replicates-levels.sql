CREATE TABLE `prompt_set_levels` (
	`prompt_set_id` text NOT NULL,
	`evaluator_id` text NOT NULL,
	`level` real NOT NULL,
	`source` text NOT NULL,
	`note` text,
	`api_key_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`prompt_set_id`, `evaluator_id`),
	FOREIGN KEY (`prompt_set_id`) REFERENCES `prompt_sets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`evaluator_id`) REFERENCES `evaluators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`api_key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "prompt_set_levels_source_ck" CHECK("prompt_set_levels"."source" in ('admin', 'frozen'))
);
--> statement-breakpoint
CREATE INDEX `prompt_set_levels_evaluator_idx` ON `prompt_set_levels` (`evaluator_id`);--> statement-breakpoint
ALTER TABLE `prompt_scores` ADD `cos_sq_sum` real;--> statement-breakpoint
ALTER TABLE `runs` ADD `replicate` text;--> statement-breakpoint
CREATE INDEX `runs_variant_replicate_idx` ON `runs` (`variant_id`,`replicate`);