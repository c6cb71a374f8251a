CREATE TABLE `worker_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`last_used_at` integer,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `worker_tokens_name_unique` ON `worker_tokens` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `worker_tokens_token_hash_unique` ON `worker_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`host` text NOT NULL,
	`pid` integer,
	`cpus` integer NOT NULL,
	`memory` integer NOT NULL,
	`gpus` text NOT NULL,
	`slots` text NOT NULL,
	`mode` text NOT NULL,
	`token_id` integer,
	`started_at` integer NOT NULL,
	`last_heartbeat` integer NOT NULL,
	`heartbeat_every_ms` integer NOT NULL,
	`stopped_at` integer,
	FOREIGN KEY (`token_id`) REFERENCES `worker_tokens`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `job_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` integer NOT NULL,
	`attempt` integer NOT NULL,
	`lease_token` text NOT NULL,
	`worker_id` integer,
	`outcome` text DEFAULT 'running' NOT NULL,
	`error` text,
	`log_path` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`worker_id`) REFERENCES `workers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_attempts_token` ON `job_attempts` (`lease_token`);--> statement-breakpoint
CREATE UNIQUE INDEX `job_attempts_job_attempt` ON `job_attempts` (`job_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claims` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`run_after` integer NOT NULL,
	`lease_token` text,
	`lease_expires_at` integer,
	`worker_id` integer,
	`progress` text,
	`last_error` text,
	`result` text,
	`estimated_bytes` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`worker_id`) REFERENCES `workers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `jobs_claim` ON `jobs` (`status`,`kind`,`priority`,`run_after`);--> statement-breakpoint
CREATE INDEX `jobs_lease` ON `jobs` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE TABLE `recipes` (
	`hash` text PRIMARY KEY NOT NULL,
	`recipe` text NOT NULL,
	`run_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `sweep_cells` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sweep_id` integer NOT NULL,
	`position` integer NOT NULL,
	`scheme` text NOT NULL,
	`alpha` real,
	`n` integer NOT NULL,
	`interval` integer NOT NULL,
	`point` integer NOT NULL,
	`feasible` integer NOT NULL,
	`reason` text,
	`reason_code` text,
	`notes` text,
	`recipe_hash` text,
	`keep` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`job_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`sweep_id`) REFERENCES `sweeps`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipe_hash`) REFERENCES `recipes`(`hash`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sweep_cells_position` ON `sweep_cells` (`sweep_id`,`position`);--> statement-breakpoint
CREATE INDEX `sweep_cells_job` ON `sweep_cells` (`job_id`);--> statement-breakpoint
CREATE INDEX `sweep_cells_recipe` ON `sweep_cells` (`recipe_hash`);--> statement-breakpoint
CREATE TABLE `sweeps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`grid` text NOT NULL,
	`evaluators` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `artifacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`recipe_hash` text,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`files` text NOT NULL,
	`state` text DEFAULT 'published' NOT NULL,
	`job_id` integer,
	`attempt` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`recipe_hash`) REFERENCES `recipes`(`hash`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `artifacts_live_name` ON `artifacts` (`name`) WHERE state = 'published';--> statement-breakpoint
CREATE UNIQUE INDEX `artifacts_live_recipe` ON `artifacts` (`recipe_hash`) WHERE state = 'published' and recipe_hash is not null;--> statement-breakpoint
CREATE INDEX `artifacts_job` ON `artifacts` (`job_id`);