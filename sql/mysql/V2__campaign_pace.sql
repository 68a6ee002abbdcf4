-- How a campaign's audience goes out inside its window: EVEN (spread over the window) or ASAP (as fast as the
-- send rate limit allows). Campaigns made before this column spread evenly, as they always did.
ALTER TABLE campaigns ADD COLUMN pace VARCHAR(8) NOT NULL DEFAULT 'EVEN' AFTER send_rate_limit;
