-- Custom migration (drizzle-kit generate --custom): the store's epoch, a random id created with the database and never
-- changed, which DesiredState carries so agents recognise a new hub (a lost database) whose generations start over.
-- One row; read with raw SQL by store/open.ts (not part of the drizzle schema, so no generated migration touches it).
CREATE TABLE "hub_epoch" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL CHECK ("singleton"),
	"epoch" text NOT NULL
);
--> statement-breakpoint
INSERT INTO "hub_epoch" ("epoch") VALUES (gen_random_uuid()::text);
