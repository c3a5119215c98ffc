-- Stock levels are 64-bit with a documented bound (domain::max_units, 10^12): at 32 bits,
-- 2,147 restocks of 1,000,000 overflowed on_hand. The columns widen; their checks stay.
ALTER TABLE stock
  ALTER COLUMN on_hand TYPE bigint,
  ALTER COLUMN reserved TYPE bigint,
  ALTER COLUMN low_stock_threshold TYPE bigint;
