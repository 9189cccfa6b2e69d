ALTER TABLE `evaluators` ADD `kind` text DEFAULT 'clip' NOT NULL;--> statement-breakpoint
ALTER TABLE `evaluators` ADD `recipe` text;