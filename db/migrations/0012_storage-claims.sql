CREATE TABLE `storage_claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sha256` text NOT NULL,
	`kind` text NOT NULL,
	`owner` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "storage_claims_kind_ck" CHECK("storage_claims"."kind" in ('upload', 'delete'))
);
--> statement-breakpoint
CREATE INDEX `storage_claims_sha256_idx` ON `storage_claims` (`sha256`);--> statement-breakpoint
CREATE INDEX `storage_claims_owner_idx` ON `storage_claims` (`owner`);