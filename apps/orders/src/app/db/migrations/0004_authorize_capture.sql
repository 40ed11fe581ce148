-- Payments made before authorize-then-capture took the money at once: they are captured.
UPDATE "payments" SET "status" = 'captured' WHERE "status" = 'succeeded';--> statement-breakpoint
DROP INDEX "payments_one_live_per_order";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "carrier" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "tracking_number" text;--> statement-breakpoint
CREATE INDEX "payments_authorized_idx" ON "payments" USING btree ("updated_at") WHERE "payments"."status" = 'authorized';--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_live_per_order" ON "payments" USING btree ("order_id") WHERE "payments"."status" NOT IN ('declined', 'voided');