CREATE TYPE "public"."inbound_status" AS ENUM('draft', 'expected', 'arrived', 'receiving', 'received', 'closed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."receipt_condition" AS ENUM('good', 'damaged');--> statement-breakpoint
CREATE TYPE "public"."transport_mode" AS ENUM('road_tir', 'rail', 'sea', 'air');--> statement-breakpoint
CREATE TABLE "inbound_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"shipment_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_status" "inbound_status",
	"to_status" "inbound_status",
	"action" text NOT NULL,
	"actor_user_id" integer,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "inbound_lines" (
	"id" serial PRIMARY KEY NOT NULL,
	"shipment_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" integer NOT NULL,
	"expected_qty" integer NOT NULL,
	"lot_code" text,
	"expires_on" date,
	"received_qty" integer DEFAULT 0 NOT NULL,
	"damaged_qty" integer DEFAULT 0 NOT NULL,
	"arrival_celsius" numeric(5, 1),
	"quarantine_reason" text,
	"quarantine_note" text,
	"unexpected" boolean DEFAULT false NOT NULL,
	"decision" text,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	CONSTRAINT "inbound_lines_expected_ck" CHECK ("inbound_lines"."expected_qty" >= 0 AND ("inbound_lines"."unexpected" OR "inbound_lines"."expected_qty" > 0)),
	CONSTRAINT "inbound_lines_counts_ck" CHECK ("inbound_lines"."received_qty" >= 0 AND "inbound_lines"."damaged_qty" >= 0),
	CONSTRAINT "inbound_lines_decision_ck" CHECK ("inbound_lines"."decision" IS NULL OR "inbound_lines"."decision" IN ('accepted', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "inbound_receipts" (
	"id" serial PRIMARY KEY NOT NULL,
	"shipment_id" integer NOT NULL,
	"line_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"lot_id" integer,
	"quantity" integer NOT NULL,
	"condition" "receipt_condition" NOT NULL,
	"location_id" integer NOT NULL,
	"quarantine_reason" text,
	"ledger_entry_id" bigint NOT NULL,
	"scan" text,
	"sscc" text,
	"serial" text,
	"celsius" numeric(5, 1),
	"actor_user_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"idempotency_key" text NOT NULL,
	"result" jsonb NOT NULL,
	CONSTRAINT "inbound_receipts_quantity_ck" CHECK ("inbound_receipts"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "inbound_shipments" (
	"id" serial PRIMARY KEY NOT NULL,
	"seller_id" integer NOT NULL,
	"warehouse_id" integer NOT NULL,
	"reference" text NOT NULL,
	"status" "inbound_status" DEFAULT 'draft' NOT NULL,
	"eta" date,
	"transport_mode" "transport_mode" NOT NULL,
	"tir_carnet" text,
	"vehicle_plate" text,
	"trailer_plate" text,
	"container" text,
	"seals" text[] DEFAULT '{}'::text[] NOT NULL,
	"note" text,
	"arrived_at" timestamp with time zone,
	"dock_location_id" integer,
	"seal_checks" jsonb,
	"arrival_note" text,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"idempotency_key" text
);
--> statement-breakpoint
CREATE TABLE "putaways" (
	"id" serial PRIMARY KEY NOT NULL,
	"warehouse_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"lot_id" integer,
	"quantity" integer NOT NULL,
	"from_location_id" integer NOT NULL,
	"to_location_id" integer NOT NULL,
	"suggested_location_id" integer,
	"ledger_entry_id" bigint NOT NULL,
	"actor_user_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"idempotency_key" text NOT NULL,
	CONSTRAINT "putaways_quantity_ck" CHECK ("putaways"."quantity" > 0)
);
--> statement-breakpoint
ALTER TABLE "inbound_events" ADD CONSTRAINT "inbound_events_shipment_id_inbound_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."inbound_shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD CONSTRAINT "inbound_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_lines" ADD CONSTRAINT "inbound_lines_shipment_id_inbound_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."inbound_shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_lines" ADD CONSTRAINT "inbound_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_lines" ADD CONSTRAINT "inbound_lines_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_shipment_id_inbound_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."inbound_shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_line_id_inbound_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."inbound_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_ledger_entry_id_ledger_entries_id_fk" FOREIGN KEY ("ledger_entry_id") REFERENCES "public"."ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_shipments" ADD CONSTRAINT "inbound_shipments_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_shipments" ADD CONSTRAINT "inbound_shipments_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_shipments" ADD CONSTRAINT "inbound_shipments_dock_location_id_locations_id_fk" FOREIGN KEY ("dock_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_shipments" ADD CONSTRAINT "inbound_shipments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_from_location_id_locations_id_fk" FOREIGN KEY ("from_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_to_location_id_locations_id_fk" FOREIGN KEY ("to_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_suggested_location_id_locations_id_fk" FOREIGN KEY ("suggested_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_ledger_entry_id_ledger_entries_id_fk" FOREIGN KEY ("ledger_entry_id") REFERENCES "public"."ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "putaways" ADD CONSTRAINT "putaways_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_events_shipment_idx" ON "inbound_events" USING btree ("shipment_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_lines_shipment_line_uq" ON "inbound_lines" USING btree ("shipment_id","line_no");--> statement-breakpoint
CREATE INDEX "inbound_lines_product_idx" ON "inbound_lines" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_receipts_idempotency_uq" ON "inbound_receipts" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "inbound_receipts_shipment_idx" ON "inbound_receipts" USING btree ("shipment_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_receipts_serial_uq" ON "inbound_receipts" USING btree ("product_id","serial") WHERE "inbound_receipts"."serial" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_shipments_seller_reference_uq" ON "inbound_shipments" USING btree ("seller_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_shipments_idempotency_uq" ON "inbound_shipments" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "inbound_shipments_warehouse_status_idx" ON "inbound_shipments" USING btree ("warehouse_id","status","eta");--> statement-breakpoint
CREATE INDEX "inbound_shipments_reference_idx" ON "inbound_shipments" USING btree ("reference");--> statement-breakpoint
CREATE UNIQUE INDEX "putaways_idempotency_uq" ON "putaways" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "putaways_warehouse_at_idx" ON "putaways" USING btree ("warehouse_id","at");