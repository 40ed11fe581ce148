DROP INDEX "stock_adjustments_product_idx";--> statement-breakpoint
ALTER TABLE "stock_adjustments" ADD COLUMN "created_by" uuid;--> statement-breakpoint
CREATE INDEX "stock_adjustments_product_idx" ON "stock_adjustments" USING btree ("product_id","created_at","id");