CREATE TABLE "app_releases" (
	"app" text PRIMARY KEY NOT NULL,
	"commit" text NOT NULL,
	"stage" text DEFAULT '' NOT NULL,
	"promotion_id" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cluster_app_statuses" (
	"cluster_id" text NOT NULL,
	"app" text NOT NULL,
	"observed_generation" bigint NOT NULL,
	"observed_commit" text NOT NULL,
	"sync" text NOT NULL,
	"sync_error" text DEFAULT '' NOT NULL,
	"health" text NOT NULL,
	"health_message" text DEFAULT '' NOT NULL,
	"resources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"observed_at" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cluster_app_statuses_cluster_id_app_pk" PRIMARY KEY("cluster_id","app")
);
--> statement-breakpoint
CREATE TABLE "cluster_apps" (
	"cluster_id" text NOT NULL,
	"app" text NOT NULL,
	"commit" text NOT NULL,
	"stage" text DEFAULT '' NOT NULL,
	"promotion_id" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cluster_apps_cluster_id_app_pk" PRIMARY KEY("cluster_id","app")
);
--> statement-breakpoint
CREATE TABLE "cluster_states" (
	"cluster_id" text PRIMARY KEY NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	"desired_hash" text DEFAULT '' NOT NULL,
	"connected" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotion_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"promotion_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotion_targets" (
	"promotion_id" text NOT NULL,
	"cluster_id" text NOT NULL,
	"cluster_name" text NOT NULL,
	"generation" bigint NOT NULL,
	CONSTRAINT "promotion_targets_promotion_id_cluster_id_pk" PRIMARY KEY("promotion_id","cluster_id")
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"app" text NOT NULL,
	"commit" text NOT NULL,
	"stage" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app_releases" ADD CONSTRAINT "app_releases_app_applications_name_fk" FOREIGN KEY ("app") REFERENCES "public"."applications"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_app_statuses" ADD CONSTRAINT "cluster_app_statuses_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_apps" ADD CONSTRAINT "cluster_apps_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_apps" ADD CONSTRAINT "cluster_apps_app_applications_name_fk" FOREIGN KEY ("app") REFERENCES "public"."applications"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_states" ADD CONSTRAINT "cluster_states_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_events" ADD CONSTRAINT "promotion_events_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_targets" ADD CONSTRAINT "promotion_targets_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_targets" ADD CONSTRAINT "promotion_targets_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_app_applications_name_fk" FOREIGN KEY ("app") REFERENCES "public"."applications"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cluster_app_statuses_app_idx" ON "cluster_app_statuses" USING btree ("app");--> statement-breakpoint
CREATE INDEX "cluster_apps_app_idx" ON "cluster_apps" USING btree ("app");--> statement-breakpoint
CREATE INDEX "promotion_events_promotion_idx" ON "promotion_events" USING btree ("promotion_id","seq");--> statement-breakpoint
CREATE INDEX "promotions_app_created_idx" ON "promotions" USING btree ("app","created_at");--> statement-breakpoint
CREATE INDEX "promotions_state_idx" ON "promotions" USING btree ("state");