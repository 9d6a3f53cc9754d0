CREATE TYPE "public"."capacity_unit" AS ENUM('units', 'pallets');--> statement-breakpoint
CREATE TYPE "public"."api_token_kind" AS ENUM('user', 'device');--> statement-breakpoint
CREATE TYPE "public"."excursion_decision" AS ENUM('keep', 'quarantine', 'dispose');--> statement-breakpoint
CREATE TYPE "public"."reading_source" AS ENUM('manual', 'device');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" "bytea" NOT NULL,
	"kind" "api_token_kind" NOT NULL,
	"name" text NOT NULL,
	"user_id" integer,
	"warehouse_id" integer,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_owner_ck" CHECK (("api_tokens"."kind" = 'user') = ("api_tokens"."user_id" IS NOT NULL) AND ("api_tokens"."kind" = 'device') = ("api_tokens"."warehouse_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "excursion_decisions" (
	"id" serial PRIMARY KEY NOT NULL,
	"excursion_id" integer NOT NULL,
	"location_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"lot_id" integer,
	"quantity" integer NOT NULL,
	"decision" "excursion_decision" NOT NULL,
	"ledger_entry_id" bigint,
	"decided_by" integer NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "excursion_decisions_lot_uq" UNIQUE NULLS NOT DISTINCT("excursion_id","location_id","product_id","lot_id"),
	CONSTRAINT "excursion_decisions_quantity_ck" CHECK ("excursion_decisions"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "excursions" (
	"id" serial PRIMARY KEY NOT NULL,
	"warehouse_id" integer NOT NULL,
	"zone_id" integer NOT NULL,
	"location_id" integer,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"peak_celsius" numeric(4, 1) NOT NULL,
	"min_celsius" numeric(5, 1),
	"max_celsius" numeric(5, 1),
	"closed_at" timestamp with time zone,
	"closed_by" integer,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "excursions_span_ck" CHECK ("excursions"."ended_at" IS NULL OR "excursions"."ended_at" >= "excursions"."started_at"),
	CONSTRAINT "excursions_closed_ck" CHECK (("excursions"."closed_at" IS NULL) = ("excursions"."closed_by" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "temperature_readings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"warehouse_id" integer NOT NULL,
	"zone_id" integer NOT NULL,
	"location_id" integer,
	"celsius" numeric(4, 1) NOT NULL,
	"measured_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"in_range" boolean NOT NULL,
	"source" "reading_source" NOT NULL,
	"user_id" integer,
	"token_id" text,
	CONSTRAINT "temperature_readings_series_at_uq" UNIQUE NULLS NOT DISTINCT("zone_id","location_id","measured_at"),
	CONSTRAINT "temperature_readings_celsius_ck" CHECK ("temperature_readings"."celsius" BETWEEN -80 AND 60),
	CONSTRAINT "temperature_readings_who_ck" CHECK (("temperature_readings"."source" = 'manual') = ("temperature_readings"."user_id" IS NOT NULL) AND ("temperature_readings"."source" = 'device') = ("temperature_readings"."token_id" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "capacity_unit" "capacity_unit" DEFAULT 'units' NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "aisle" text;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "rack" integer;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "level" integer;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "position" integer;--> statement-breakpoint
ALTER TABLE "zones" ADD COLUMN "log_interval_minutes" integer;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursion_decisions" ADD CONSTRAINT "excursion_decisions_excursion_id_excursions_id_fk" FOREIGN KEY ("excursion_id") REFERENCES "public"."excursions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursion_decisions" ADD CONSTRAINT "excursion_decisions_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursion_decisions" ADD CONSTRAINT "excursion_decisions_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursion_decisions" ADD CONSTRAINT "excursion_decisions_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursion_decisions" ADD CONSTRAINT "excursion_decisions_ledger_entry_id_ledger_entries_id_fk" FOREIGN KEY ("ledger_entry_id") REFERENCES "public"."ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursion_decisions" ADD CONSTRAINT "excursion_decisions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "api_tokens_warehouse_idx" ON "api_tokens" USING btree ("warehouse_id");--> statement-breakpoint
CREATE INDEX "excursions_series_idx" ON "excursions" USING btree ("zone_id","location_id","started_at");--> statement-breakpoint
CREATE INDEX "excursions_warehouse_idx" ON "excursions" USING btree ("warehouse_id","started_at");--> statement-breakpoint
CREATE INDEX "temperature_readings_warehouse_at_idx" ON "temperature_readings" USING btree ("warehouse_id","measured_at");--> statement-breakpoint
CREATE INDEX "temperature_readings_zone_at_idx" ON "temperature_readings" USING btree ("zone_id","measured_at");--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_interval_ck" CHECK ("zones"."log_interval_minutes" IS NULL OR "zones"."log_interval_minutes" BETWEEN 1 AND 1440);--> statement-breakpoint
-- Temperature readings are an audit record: once written, never changed or removed.
CREATE OR REPLACE FUNCTION temperature_readings_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'temperature_readings is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'P0001';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER temperature_readings_no_update_delete
  BEFORE UPDATE OR DELETE ON temperature_readings
  FOR EACH ROW EXECUTE FUNCTION temperature_readings_append_only();
--> statement-breakpoint
CREATE TRIGGER temperature_readings_no_truncate
  BEFORE TRUNCATE ON temperature_readings
  FOR EACH STATEMENT EXECUTE FUNCTION temperature_readings_append_only();
--> statement-breakpoint
-- Existing locations coded aisle-rack-level-position (A-01-02-1) take their place in the grid.
UPDATE "locations" SET
  "aisle" = (regexp_match("code", '^([A-Z]{1,4})-(\d{1,4})-(\d{1,4})-(\d{1,4})$'))[1],
  "rack" = (regexp_match("code", '^([A-Z]{1,4})-(\d{1,4})-(\d{1,4})-(\d{1,4})$'))[2]::int,
  "level" = (regexp_match("code", '^([A-Z]{1,4})-(\d{1,4})-(\d{1,4})-(\d{1,4})$'))[3]::int,
  "position" = (regexp_match("code", '^([A-Z]{1,4})-(\d{1,4})-(\d{1,4})-(\d{1,4})$'))[4]::int
WHERE "code" ~ '^[A-Z]{1,4}-\d{1,4}-\d{1,4}-\d{1,4}$';
--> statement-breakpoint
-- Cold zones are monitored: a reading at least every 15 minutes.
UPDATE "zones" SET "log_interval_minutes" = 15 WHERE "temperature_class" <> 'ambient';
