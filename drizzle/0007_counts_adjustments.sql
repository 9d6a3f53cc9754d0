CREATE TYPE "public"."adjustment_reason" AS ENUM('damaged', 'lost', 'found', 'expired', 'count');--> statement-breakpoint
CREATE TYPE "public"."adjustment_status" AS ENUM('pending', 'posted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."count_location_status" AS ENUM('pending', 'recount', 'counted');--> statement-breakpoint
CREATE TYPE "public"."count_scope" AS ENUM('zone', 'range', 'product');--> statement-breakpoint
CREATE TYPE "public"."count_status" AS ENUM('counting', 'review', 'approved', 'cancelled');--> statement-breakpoint
CREATE TABLE "adjustments" (
	"id" serial PRIMARY KEY NOT NULL,
	"warehouse_id" integer NOT NULL,
	"location_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"lot_id" integer,
	"quantity" integer NOT NULL,
	"reason" "adjustment_reason" NOT NULL,
	"note" text,
	"status" "adjustment_status" NOT NULL,
	"count_id" integer,
	"requested_by" integer NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"idempotency_key" text,
	CONSTRAINT "adjustments_quantity_ck" CHECK ("adjustments"."quantity" <> 0)
);
--> statement-breakpoint
CREATE TABLE "cycle_count_lines" (
	"id" serial PRIMARY KEY NOT NULL,
	"count_id" integer NOT NULL,
	"count_location_id" integer NOT NULL,
	"location_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"lot_id" integer,
	"expected" integer,
	"counted" integer DEFAULT 0 NOT NULL,
	"recount_expected" integer,
	"recounted" integer,
	CONSTRAINT "cycle_count_lines_uq" UNIQUE NULLS NOT DISTINCT("count_location_id","product_id","lot_id"),
	CONSTRAINT "cycle_count_lines_qty_ck" CHECK ("cycle_count_lines"."counted" >= 0 AND ("cycle_count_lines"."recounted" IS NULL OR "cycle_count_lines"."recounted" >= 0))
);
--> statement-breakpoint
CREATE TABLE "cycle_count_locations" (
	"id" serial PRIMARY KEY NOT NULL,
	"count_id" integer NOT NULL,
	"location_id" integer NOT NULL,
	"status" "count_location_status" DEFAULT 'pending' NOT NULL,
	"pass" smallint DEFAULT 1 NOT NULL,
	"pass_started_at" timestamp with time zone,
	"claimed_by" integer,
	"claimed_at" timestamp with time zone,
	"counted_by" integer,
	"counted_at" timestamp with time zone,
	"recounted_by" integer,
	"recounted_at" timestamp with time zone,
	CONSTRAINT "cycle_count_locations_pass_ck" CHECK ("cycle_count_locations"."pass" IN (1, 2))
);
--> statement-breakpoint
CREATE TABLE "cycle_count_scans" (
	"id" serial PRIMARY KEY NOT NULL,
	"count_location_id" integer NOT NULL,
	"line_id" integer NOT NULL,
	"pass" smallint NOT NULL,
	"quantity" integer NOT NULL,
	"counted_by" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"idempotency_key" text,
	"voided_at" timestamp with time zone,
	CONSTRAINT "cycle_count_scans_quantity_ck" CHECK ("cycle_count_scans"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "cycle_counts" (
	"id" serial PRIMARY KEY NOT NULL,
	"warehouse_id" integer NOT NULL,
	"status" "count_status" DEFAULT 'counting' NOT NULL,
	"scope" "count_scope" NOT NULL,
	"zone_id" integer,
	"from_code" text,
	"to_code" text,
	"product_id" integer,
	"recount_above" integer DEFAULT 0 NOT NULL,
	"note" text,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	CONSTRAINT "cycle_counts_recount_ck" CHECK ("cycle_counts"."recount_above" >= 0)
);
--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "adjustment_approval_units" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "reorder_point" integer;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_count_id_cycle_counts_id_fk" FOREIGN KEY ("count_id") REFERENCES "public"."cycle_counts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_lines" ADD CONSTRAINT "cycle_count_lines_count_id_cycle_counts_id_fk" FOREIGN KEY ("count_id") REFERENCES "public"."cycle_counts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_lines" ADD CONSTRAINT "cycle_count_lines_count_location_id_cycle_count_locations_id_fk" FOREIGN KEY ("count_location_id") REFERENCES "public"."cycle_count_locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_lines" ADD CONSTRAINT "cycle_count_lines_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_lines" ADD CONSTRAINT "cycle_count_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_lines" ADD CONSTRAINT "cycle_count_lines_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_locations" ADD CONSTRAINT "cycle_count_locations_count_id_cycle_counts_id_fk" FOREIGN KEY ("count_id") REFERENCES "public"."cycle_counts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_locations" ADD CONSTRAINT "cycle_count_locations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_locations" ADD CONSTRAINT "cycle_count_locations_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_locations" ADD CONSTRAINT "cycle_count_locations_counted_by_users_id_fk" FOREIGN KEY ("counted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_locations" ADD CONSTRAINT "cycle_count_locations_recounted_by_users_id_fk" FOREIGN KEY ("recounted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_scans" ADD CONSTRAINT "cycle_count_scans_count_location_id_cycle_count_locations_id_fk" FOREIGN KEY ("count_location_id") REFERENCES "public"."cycle_count_locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_scans" ADD CONSTRAINT "cycle_count_scans_line_id_cycle_count_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."cycle_count_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_count_scans" ADD CONSTRAINT "cycle_count_scans_counted_by_users_id_fk" FOREIGN KEY ("counted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "adjustments_warehouse_status_idx" ON "adjustments" USING btree ("warehouse_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "adjustments_idempotency_uq" ON "adjustments" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "cycle_count_lines_count_idx" ON "cycle_count_lines" USING btree ("count_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_count_locations_uq" ON "cycle_count_locations" USING btree ("count_id","location_id");--> statement-breakpoint
CREATE INDEX "cycle_count_scans_location_idx" ON "cycle_count_scans" USING btree ("count_location_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_count_scans_idempotency_uq" ON "cycle_count_scans" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "cycle_counts_warehouse_status_idx" ON "cycle_counts" USING btree ("warehouse_id","status");--> statement-breakpoint
CREATE INDEX "locations_walk_idx" ON "locations" USING btree ("warehouse_id","walk_sequence","code");--> statement-breakpoint
CREATE INDEX "products_sku_idx" ON "products" USING btree ("sku");--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_reorder_point_ck" CHECK ("products"."reorder_point" IS NULL OR "products"."reorder_point" >= 0);