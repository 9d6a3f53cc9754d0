CREATE TYPE "public"."transfer_status" AS ENUM('draft', 'picking', 'dispatched', 'arrived', 'received', 'closed', 'cancelled');--> statement-breakpoint
CREATE TABLE "transfer_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"transfer_id" integer NOT NULL,
	"from_status" "transfer_status",
	"to_status" "transfer_status",
	"action" text NOT NULL,
	"actor_user_id" integer,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfer_lines" (
	"id" serial PRIMARY KEY NOT NULL,
	"transfer_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" integer NOT NULL,
	"lot_id" integer,
	"quantity" integer NOT NULL,
	"dispatched_qty" integer DEFAULT 0 NOT NULL,
	"received_qty" integer DEFAULT 0 NOT NULL,
	"damaged_qty" integer DEFAULT 0 NOT NULL,
	"written_off_qty" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "transfer_lines_quantity_ck" CHECK ("transfer_lines"."quantity" > 0),
	CONSTRAINT "transfer_lines_counts_ck" CHECK ("transfer_lines"."dispatched_qty" >= 0 AND "transfer_lines"."received_qty" >= 0 AND "transfer_lines"."damaged_qty" >= 0 AND "transfer_lines"."damaged_qty" <= "transfer_lines"."received_qty" AND "transfer_lines"."written_off_qty" >= 0)
);
--> statement-breakpoint
CREATE TABLE "transfer_load_scans" (
	"id" serial PRIMARY KEY NOT NULL,
	"transfer_id" integer NOT NULL,
	"line_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	"actor_user_id" integer,
	"idempotency_key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfer_load_scans_quantity_ck" CHECK ("transfer_load_scans"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "transfer_receipts" (
	"id" serial PRIMARY KEY NOT NULL,
	"transfer_id" integer NOT NULL,
	"line_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"lot_id" integer,
	"quantity" integer NOT NULL,
	"condition" "receipt_condition" DEFAULT 'good' NOT NULL,
	"to_location_id" integer NOT NULL,
	"ledger_entry_id" bigint NOT NULL,
	"actor_user_id" integer,
	"idempotency_key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfer_receipts_quantity_ck" CHECK ("transfer_receipts"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "transfers" (
	"id" serial PRIMARY KEY NOT NULL,
	"from_warehouse_id" integer NOT NULL,
	"to_warehouse_id" integer NOT NULL,
	"status" "transfer_status" DEFAULT 'draft' NOT NULL,
	"transport_mode" "transport_mode" NOT NULL,
	"tir_carnet" text,
	"vehicle_plate" text,
	"trailer_plate" text,
	"container" text,
	"seals" text[] DEFAULT '{}'::text[] NOT NULL,
	"reefer" boolean DEFAULT false NOT NULL,
	"eta" date,
	"note" text,
	"transit_location_id" integer NOT NULL,
	"dispatched_at" timestamp with time zone,
	"dispatched_by" integer,
	"documents" text,
	"arrived_at" timestamp with time zone,
	"dock_location_id" integer,
	"seal_checks" jsonb,
	"arrival_celsius" numeric(4, 1),
	"arrival_note" text,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"idempotency_key" text,
	CONSTRAINT "transfers_two_warehouses_ck" CHECK ("transfers"."from_warehouse_id" <> "transfers"."to_warehouse_id")
);
--> statement-breakpoint
ALTER TABLE "transfer_events" ADD CONSTRAINT "transfer_events_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_events" ADD CONSTRAINT "transfer_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_lines" ADD CONSTRAINT "transfer_lines_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_lines" ADD CONSTRAINT "transfer_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_lines" ADD CONSTRAINT "transfer_lines_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_load_scans" ADD CONSTRAINT "transfer_load_scans_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_load_scans" ADD CONSTRAINT "transfer_load_scans_line_id_transfer_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."transfer_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_load_scans" ADD CONSTRAINT "transfer_load_scans_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_receipts" ADD CONSTRAINT "transfer_receipts_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_receipts" ADD CONSTRAINT "transfer_receipts_line_id_transfer_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."transfer_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_receipts" ADD CONSTRAINT "transfer_receipts_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_receipts" ADD CONSTRAINT "transfer_receipts_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_receipts" ADD CONSTRAINT "transfer_receipts_to_location_id_locations_id_fk" FOREIGN KEY ("to_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_receipts" ADD CONSTRAINT "transfer_receipts_ledger_entry_id_ledger_entries_id_fk" FOREIGN KEY ("ledger_entry_id") REFERENCES "public"."ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_receipts" ADD CONSTRAINT "transfer_receipts_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_from_warehouse_id_warehouses_id_fk" FOREIGN KEY ("from_warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_to_warehouse_id_warehouses_id_fk" FOREIGN KEY ("to_warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_transit_location_id_locations_id_fk" FOREIGN KEY ("transit_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_dispatched_by_users_id_fk" FOREIGN KEY ("dispatched_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_dock_location_id_locations_id_fk" FOREIGN KEY ("dock_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transfer_events_transfer_idx" ON "transfer_events" USING btree ("transfer_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_lines_line_uq" ON "transfer_lines" USING btree ("transfer_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_load_scans_idempotency_uq" ON "transfer_load_scans" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "transfer_load_scans_transfer_idx" ON "transfer_load_scans" USING btree ("transfer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_receipts_idempotency_uq" ON "transfer_receipts" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "transfer_receipts_transfer_idx" ON "transfer_receipts" USING btree ("transfer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "transfers_idempotency_uq" ON "transfers" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "transfers_from_status_idx" ON "transfers" USING btree ("from_warehouse_id","status");--> statement-breakpoint
CREATE INDEX "transfers_to_status_idx" ON "transfers" USING btree ("to_warehouse_id","status");