-- What correlates a call's notifications (X-Microsoft-Skype-Chain-ID) is kept beside each one, so
-- that delivery need not parse the body to find it, and is the same for every notification of a
-- call: its callChainId, or its id if it has none. Rows written before this have none, and the
-- store reads their call's id instead, as delivery used then; no row is rewritten.

ALTER TABLE notifications ADD COLUMN chain_id TEXT;
