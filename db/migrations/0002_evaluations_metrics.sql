CREATE TABLE `evaluations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`evaluator` text NOT NULL,
	`evaluator_fingerprint` text,
	`origin` text NOT NULL,
	`checkpoint_id` integer,
	`recipe_hash` text,
	`status` text NOT NULL,
	`job_id` integer,
	`attempt` integer,
	`log_path` text,
	`raw_artifact_id` integer,
	`raw_path` text,
	`source_sha256` text,
	`details` text,
	`error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`checkpoint_id`) REFERENCES `checkpoints`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipe_hash`) REFERENCES `recipes`(`hash`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`raw_artifact_id`) REFERENCES `artifacts`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "evaluations_one_target" CHECK(("evaluations"."checkpoint_id" is null) <> ("evaluations"."recipe_hash" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluations_key` ON `evaluations` (`key`);--> statement-breakpoint
CREATE INDEX `evaluations_checkpoint` ON `evaluations` (`checkpoint_id`);--> statement-breakpoint
CREATE INDEX `evaluations_recipe` ON `evaluations` (`recipe_hash`);--> statement-breakpoint
CREATE INDEX `evaluations_job` ON `evaluations` (`job_id`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`evaluation_id` integer NOT NULL,
	`name` text NOT NULL,
	`value` real NOT NULL,
	`stderr` real,
	`n` integer,
	`higher_is_better` integer,
	FOREIGN KEY (`evaluation_id`) REFERENCES `evaluations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metrics_evaluation_name` ON `metrics` (`evaluation_id`,`name`);--> statement-breakpoint
CREATE INDEX `metrics_name` ON `metrics` (`name`);