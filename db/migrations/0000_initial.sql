CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`directory` text,
	`tokens_per_step` integer,
	`schedule` text,
	`parent_run_id` integer,
	`fork_tokens` integer,
	`kind` text,
	`params` integer,
	`peak_lr` real,
	`last_scan` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`parent_run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_name_unique` ON `runs` (`name`);--> statement-breakpoint
CREATE TABLE `checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`step` integer NOT NULL,
	`tokens` integer,
	`lr` real,
	`phase` text,
	`path` text NOT NULL,
	`format` text NOT NULL,
	`dtypes` text NOT NULL,
	`params` integer NOT NULL,
	`tensor_count` integer NOT NULL,
	`bytes` integer NOT NULL,
	`shards` text NOT NULL,
	`fingerprint` text NOT NULL,
	`sha256` text,
	`status` text DEFAULT 'present' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkpoints_run_step` ON `checkpoints` (`run_id`,`step`);--> statement-breakpoint
CREATE INDEX `checkpoints_run_tokens` ON `checkpoints` (`run_id`,`tokens`);--> statement-breakpoint
CREATE TABLE `training_logs` (
	`run_id` integer NOT NULL,
	`series` text NOT NULL,
	`step` integer NOT NULL,
	`tokens` integer,
	`value` real NOT NULL,
	PRIMARY KEY(`run_id`, `series`, `step`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
