CREATE TABLE "app_revisions" (
	"app" text NOT NULL,
	"revision" integer NOT NULL,
	"repo_url" text NOT NULL,
	"path" text NOT NULL,
	"default_namespace" text DEFAULT '' NOT NULL,
	"render_engine" text DEFAULT 'builtin' NOT NULL,
	"cluster_selector" text DEFAULT '' NOT NULL,
	"pipeline" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "app_revisions_app_revision_pk" PRIMARY KEY("app","revision")
);
--> statement-breakpoint
CREATE TABLE "promotion_commands" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"promotion_id" text NOT NULL,
	"type" text NOT NULL,
	"actor" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"stage" text DEFAULT '' NOT NULL,
	"wave" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stage_releases" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"app" text NOT NULL,
	"stage" text NOT NULL,
	"commit" text NOT NULL,
	"revision" integer NOT NULL,
	"promotion_id" text,
	"kind" text DEFAULT 'release' NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app_releases" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "promotion_targets" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "app_releases" CASCADE;--> statement-breakpoint
DROP TABLE "promotion_targets" CASCADE;--> statement-breakpoint
ALTER TABLE "promotion_events" ALTER COLUMN "promotion_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "pipeline" jsonb;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cluster_app_statuses" ADD COLUMN "sync_retryable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cluster_app_statuses" ADD COLUMN "healthy_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cluster_app_statuses" ADD COLUMN "worst_health" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cluster_app_statuses" ADD COLUMN "worst_message" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cluster_apps" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "promotion_events" ADD COLUMN "app" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotion_events" ADD COLUMN "stage" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotion_events" ADD COLUMN "wave" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotion_events" ADD COLUMN "cluster" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "ref" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "pipeline" jsonb;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "run" jsonb;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "wake_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "due" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "forced" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "app_revisions" ADD CONSTRAINT "app_revisions_app_applications_name_fk" FOREIGN KEY ("app") REFERENCES "public"."applications"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_commands" ADD CONSTRAINT "promotion_commands_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_releases" ADD CONSTRAINT "stage_releases_app_applications_name_fk" FOREIGN KEY ("app") REFERENCES "public"."applications"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "promotion_commands_pending_idx" ON "promotion_commands" USING btree ("promotion_id","consumed_at");--> statement-breakpoint
CREATE INDEX "stage_releases_app_stage_idx" ON "stage_releases" USING btree ("app","stage","seq");--> statement-breakpoint
CREATE INDEX "promotion_events_app_idx" ON "promotion_events" USING btree ("app","seq");--> statement-breakpoint
CREATE INDEX "promotions_wake_idx" ON "promotions" USING btree ("wake_at");