CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hash` text NOT NULL,
	`title` text NOT NULL,
	`scope` text NOT NULL,
	`formats` text NOT NULL,
	`path` text NOT NULL,
	`files` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_hash_unique` ON `reports` (`hash`);--> statement-breakpoint
ALTER TABLE `runs` ADD `init_recipe_hash` text REFERENCES recipes(hash);