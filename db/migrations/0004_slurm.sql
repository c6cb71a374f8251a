CREATE TABLE `slurm_job_targets` (
	`job_id` integer PRIMARY KEY NOT NULL,
	`sweep_id` integer,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sweep_id`) REFERENCES `sweeps`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `slurm_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`slurm_job_id` text,
	`state` text NOT NULL,
	`kind` text NOT NULL,
	`sweep_id` integer,
	`is_array` integer NOT NULL,
	`request` text NOT NULL,
	`script` text NOT NULL,
	`token_id` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`submitted_at` integer,
	`ended_at` integer,
	FOREIGN KEY (`sweep_id`) REFERENCES `sweeps`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`token_id`) REFERENCES `worker_tokens`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `slurm_submissions_state` ON `slurm_submissions` (`state`);--> statement-breakpoint
CREATE INDEX `slurm_submissions_token` ON `slurm_submissions` (`token_id`);--> statement-breakpoint
CREATE TABLE `slurm_sweep_targets` (
	`sweep_id` integer PRIMARY KEY NOT NULL,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`sweep_id`) REFERENCES `sweeps`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `slurm_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`job_id` integer NOT NULL,
	`array_index` integer,
	`slurm_state` text,
	`reason` text,
	`exit_code` text,
	`restarts` integer DEFAULT 0 NOT NULL,
	`settled` text,
	`message` text,
	`cancel_requested_at` integer,
	`updated_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`submission_id`) REFERENCES `slurm_submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `slurm_tasks_submission` ON `slurm_tasks` (`submission_id`);--> statement-breakpoint
CREATE INDEX `slurm_tasks_job` ON `slurm_tasks` (`job_id`);--> statement-breakpoint
CREATE INDEX `slurm_tasks_settled` ON `slurm_tasks` (`settled`);