-- Where a campaign's metric is counted: PROVIDER (the provider's click count per notification), APP (the app's
-- engagement events) or AUTO (per variant the larger of the two). Campaigns made before this column used the app's
-- events alone; AUTO gives them the same numbers where the app reports and the provider's where it does not.
ALTER TABLE campaigns ADD COLUMN reward_source VARCHAR(8) NOT NULL DEFAULT 'AUTO' AFTER metric;
