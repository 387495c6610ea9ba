-- Applications applied before the promotion engine become revision 1 (their clusters' pins with them); promotions of
-- the walking skeleton, which have no run, are closed rather than left for a driver that cannot plan them.
INSERT INTO "app_revisions" ("app", "revision", "repo_url", "path", "default_namespace", "render_engine", "cluster_selector", "pipeline", "created_at")
  SELECT "name", 1, "repo_url", "path", "default_namespace", "render_engine", "cluster_selector", 'null'::jsonb, "updated_at" FROM "applications" WHERE "revision" = 0;--> statement-breakpoint
UPDATE "applications" SET "revision" = 1 WHERE "revision" = 0;--> statement-breakpoint
UPDATE "cluster_apps" SET "revision" = 1 WHERE "revision" = 0;--> statement-breakpoint
UPDATE "promotions" SET "state" = 'Aborted', "message" = 'closed by the upgrade to the promotion engine', "due" = false
  WHERE "run" IS NULL AND "state" IN ('Pending', 'WaitingApproval', 'Progressing', 'Paused');--> statement-breakpoint
UPDATE "promotions" SET "due" = false WHERE "run" IS NULL;
