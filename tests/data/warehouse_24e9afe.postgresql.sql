-- A warehouse written by virage at commit 24e9afe (before versioned migrations):
-- the persona world of tests/worlds.py scored for 2026-11-19 and 2026-11-20 by that
-- commit's nightly flow, then dumped with pg_dump --no-owner --no-privileges --no-comments --inserts (PostgreSQL 15).
-- tests/test_migrations.py upgrades it and checks that nothing was lost.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts (
    platform character varying(16) NOT NULL,
    handle text NOT NULL,
    snapshot_date date NOT NULL,
    followers bigint NOT NULL,
    person_id text,
    source_file text,
    source_sha256 text,
    observed_at timestamp with time zone
);


--
-- Name: influence_scores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.influence_scores (
    as_of_date date NOT NULL,
    campaign_id text NOT NULL,
    person_id text NOT NULL,
    display_name text NOT NULL,
    role character varying(16) NOT NULL,
    score double precision NOT NULL,
    rank integer NOT NULL,
    tier character varying(16) NOT NULL,
    reach double precision NOT NULL,
    resonance double precision NOT NULL,
    relevance double precision NOT NULL,
    credibility double precision NOT NULL,
    activity double precision NOT NULL,
    audience_quality double precision NOT NULL,
    advocacy double precision,
    posts_considered integer NOT NULL,
    sponsored_share double precision NOT NULL,
    explanation text,
    run_id text NOT NULL
);


--
-- Name: current_influence_scores; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.current_influence_scores AS
 SELECT influence_scores.as_of_date,
    influence_scores.campaign_id,
    influence_scores.person_id,
    influence_scores.display_name,
    influence_scores.role,
    influence_scores.score,
    influence_scores.rank,
    influence_scores.tier,
    influence_scores.reach,
    influence_scores.resonance,
    influence_scores.relevance,
    influence_scores.credibility,
    influence_scores.activity,
    influence_scores.audience_quality,
    influence_scores.advocacy,
    influence_scores.posts_considered,
    influence_scores.sponsored_share,
    influence_scores.explanation,
    influence_scores.run_id
   FROM public.influence_scores
  WHERE (influence_scores.as_of_date = ( SELECT influence_scores_1.as_of_date
           FROM public.influence_scores influence_scores_1
          ORDER BY influence_scores_1.as_of_date DESC
         LIMIT 1));


--
-- Name: ingested_files; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ingested_files (
    sha256 character varying(64) NOT NULL,
    source_path text NOT NULL,
    size bigint NOT NULL,
    format character varying(32) NOT NULL,
    first_seen_run_id text NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    status character varying(16) NOT NULL,
    detail text,
    readers_version integer,
    observed_at timestamp with time zone
);


--
-- Name: pipeline_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pipeline_runs (
    run_id text NOT NULL,
    as_of_date date NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    status character varying(16) NOT NULL,
    files_seen integer,
    files_loaded integer,
    files_quarantined integer,
    rows_loaded integer,
    rows_quarantined integer,
    rows_skipped integer,
    quarantined_by_rule text,
    summary text
);


--
-- Name: posts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.posts (
    platform character varying(16) NOT NULL,
    handle text NOT NULL,
    post_id text NOT NULL,
    person_id text,
    posted_at timestamp with time zone NOT NULL,
    text text,
    url text,
    impressions bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    clicks bigint,
    is_sponsored boolean NOT NULL,
    source_file text,
    source_sha256 text,
    observed_at timestamp with time zone
);


--
-- Name: quarantine; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.quarantine (
    run_id text NOT NULL,
    source_file text NOT NULL,
    row_number integer,
    rule text NOT NULL,
    detail text NOT NULL,
    excerpt text,
    quarantined_at timestamp with time zone NOT NULL
);


--
-- Name: validation_results; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.validation_results (
    run_id text NOT NULL,
    suite text NOT NULL,
    source_file text NOT NULL,
    success boolean NOT NULL,
    evaluated_rows bigint NOT NULL,
    unexpected_rows bigint NOT NULL,
    expectations integer NOT NULL,
    failed_expectations integer NOT NULL,
    statistics text,
    validated_at timestamp with time zone NOT NULL
);


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.accounts VALUES ('instagram', 'micro', '2026-09-11', 12000, 'micro', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'micro', '2026-10-11', 12000, 'micro', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'micro', '2026-11-10', 12000, 'micro', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'mega', '2026-09-11', 3000000, 'mega', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'mega', '2026-10-11', 3000000, 'mega', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'mega', '2026-11-10', 3000000, 'mega', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'paid', '2026-09-11', 60000, 'paid', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'paid', '2026-10-11', 60000, 'paid', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('instagram', 'paid', '2026-11-10', 60000, 'paid', 'exports/instagram/followers.accounts.csv', '9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', '2026-11-26 18:22:00.426002+00');
INSERT INTO public.accounts VALUES ('linkedin', 'emp_yes', '2026-09-11', 3000, 'emp-yes', 'exports/linkedin/followers.accounts.csv', 'ae6e27d8aeef35e4385c853e87ec02283dd3a263baf9f002395e9c92a3ab5fd7', '2026-11-26 18:22:00.429085+00');
INSERT INTO public.accounts VALUES ('linkedin', 'emp_yes', '2026-10-11', 3000, 'emp-yes', 'exports/linkedin/followers.accounts.csv', 'ae6e27d8aeef35e4385c853e87ec02283dd3a263baf9f002395e9c92a3ab5fd7', '2026-11-26 18:22:00.429085+00');
INSERT INTO public.accounts VALUES ('linkedin', 'emp_yes', '2026-11-10', 3000, 'emp-yes', 'exports/linkedin/followers.accounts.csv', 'ae6e27d8aeef35e4385c853e87ec02283dd3a263baf9f002395e9c92a3ab5fd7', '2026-11-26 18:22:00.429085+00');
INSERT INTO public.accounts VALUES ('linkedin', 'emp_quiet', '2026-09-11', 8000, 'emp-quiet', 'exports/linkedin/followers.accounts.csv', 'ae6e27d8aeef35e4385c853e87ec02283dd3a263baf9f002395e9c92a3ab5fd7', '2026-11-26 18:22:00.429085+00');
INSERT INTO public.accounts VALUES ('linkedin', 'emp_quiet', '2026-10-11', 8000, 'emp-quiet', 'exports/linkedin/followers.accounts.csv', 'ae6e27d8aeef35e4385c853e87ec02283dd3a263baf9f002395e9c92a3ab5fd7', '2026-11-26 18:22:00.429085+00');
INSERT INTO public.accounts VALUES ('linkedin', 'emp_quiet', '2026-11-10', 8000, 'emp-quiet', 'exports/linkedin/followers.accounts.csv', 'ae6e27d8aeef35e4385c853e87ec02283dd3a263baf9f002395e9c92a3ab5fd7', '2026-11-26 18:22:00.429085+00');


--
-- Data for Name: influence_scores; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.influence_scores VALUES ('2026-11-19', 'cuisine', 'emp-yes', 'Alice Advocate', 'ambassador', 12.86, 1, 'nano', 49.68, 41.29, 0, 100, 69.23, 100, 80.67, 19, 0, 'often shares the brand, posts regularly; rarely on this campaign''s topic', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'cuisine', 'emp-quiet', 'Bob Quiet', 'ambassador', 1.72, 2, 'micro', 55.76, 47.64, 0, 100, 15.38, 100, 0, 1, 0, 'rarely on this campaign''s topic, rarely shares the brand', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'cuisine', 'mega', 'Mega Star', 'influencer', 14.82, 1, 'mega', 92.53, 51.48, 0, 100, 74.62, 100, NULL, 29, 0, 'large audience, posts regularly; rarely on this campaign''s topic', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'cuisine', 'micro', 'Micro Cyclist', 'influencer', 13.35, 2, 'micro', 58.27, 56.77, 0, 100, 74.62, 100, NULL, 29, 0, 'posts regularly; rarely on this campaign''s topic', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'cuisine', 'paid', 'Paid Promoter', 'influencer', 5.96, 3, 'mid', 68.26, 55.06, 0, 5.1, 74.62, 100, NULL, 29, 0.8276, 'posts regularly, large audience; rarely on this campaign''s topic, 83% of posts sponsored', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'velo', 'emp-yes', 'Alice Advocate', 'ambassador', 49.02, 1, 'nano', 49.68, 41.29, 70.27, 100, 69.23, 100, 80.67, 19, 0, 'often shares the brand, often on this campaign''s topic', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'velo', 'emp-quiet', 'Bob Quiet', 'ambassador', 1.72, 2, 'micro', 55.76, 47.64, 0, 100, 15.38, 100, 0, 1, 0, 'rarely on this campaign''s topic, rarely shares the brand', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'velo', 'micro', 'Micro Cyclist', 'influencer', 57.75, 1, 'micro', 58.27, 56.77, 83.12, 100, 74.62, 100, NULL, 29, 0, 'often on this campaign''s topic, posts regularly', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'velo', 'paid', 'Paid Promoter', 'influencer', 25.81, 2, 'mid', 68.26, 55.06, 83.18, 5.1, 74.62, 100, NULL, 29, 0.8276, 'often on this campaign''s topic, posts regularly; 83% of posts sponsored', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-19', 'velo', 'mega', 'Mega Star', 'influencer', 14.82, 3, 'mega', 92.53, 51.48, 0, 100, 74.62, 100, NULL, 29, 0, 'large audience, posts regularly; rarely on this campaign''s topic', 'abcf38cc-e84c-4aaf-9974-452d56b675a4');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'cuisine', 'emp-yes', 'Alice Advocate', 'ambassador', 13.15, 1, 'nano', 49.68, 41.19, 0, 100, 74.62, 100, 82.23, 20, 0, 'often shares the brand, posts regularly; rarely on this campaign''s topic', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'cuisine', 'emp-quiet', 'Bob Quiet', 'ambassador', 1.82, 2, 'micro', 55.76, 45.99, 0, 100, 20.77, 100, 0, 2, 0, 'rarely on this campaign''s topic, rarely shares the brand', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'cuisine', 'mega', 'Mega Star', 'influencer', 14.81, 1, 'mega', 92.53, 51.41, 0, 100, 74.62, 100, NULL, 30, 0, 'large audience, posts regularly; rarely on this campaign''s topic', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'cuisine', 'micro', 'Micro Cyclist', 'influencer', 13.37, 2, 'micro', 58.27, 56.94, 0, 100, 74.62, 100, NULL, 30, 0, 'posts regularly; rarely on this campaign''s topic', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'cuisine', 'paid', 'Paid Promoter', 'influencer', 6.05, 3, 'mid', 68.26, 54.88, 0, 6.25, 74.62, 100, NULL, 30, 0.8, 'posts regularly, large audience; rarely on this campaign''s topic, 80% of posts sponsored', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'velo', 'emp-yes', 'Alice Advocate', 'ambassador', 50.69, 1, 'nano', 49.68, 41.19, 71.37, 100, 74.62, 100, 82.23, 20, 0, 'often shares the brand, posts regularly', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'velo', 'emp-quiet', 'Bob Quiet', 'ambassador', 1.82, 2, 'micro', 55.76, 45.99, 0, 100, 20.77, 100, 0, 2, 0, 'rarely on this campaign''s topic, rarely shares the brand', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'velo', 'micro', 'Micro Cyclist', 'influencer', 57.46, 1, 'micro', 58.27, 56.94, 82.48, 100, 74.62, 100, NULL, 30, 0, 'often on this campaign''s topic, posts regularly', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'velo', 'paid', 'Paid Promoter', 'influencer', 26.03, 2, 'mid', 68.26, 54.88, 82.53, 6.25, 74.62, 100, NULL, 30, 0.8, 'often on this campaign''s topic, posts regularly; 80% of posts sponsored', 'b52577de-3500-491f-aa32-d98b0e564584');
INSERT INTO public.influence_scores VALUES ('2026-11-20', 'velo', 'mega', 'Mega Star', 'influencer', 14.81, 3, 'mega', 92.53, 51.41, 0, 100, 74.62, 100, NULL, 30, 0, 'large audience, posts regularly; rarely on this campaign''s topic', 'b52577de-3500-491f-aa32-d98b0e564584');


--
-- Data for Name: ingested_files; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ingested_files VALUES ('f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', 'exports/instagram/2026-09.posts.csv', 3210, 'exchange_posts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.407662+00');
INSERT INTO public.ingested_files VALUES ('e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', 'exports/instagram/2026-10.posts.csv', 4191, 'exchange_posts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.410484+00');
INSERT INTO public.ingested_files VALUES ('b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', 'exports/instagram/2026-11.posts.csv', 2725, 'exchange_posts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.41303+00');
INSERT INTO public.ingested_files VALUES ('d51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', 'exports/linkedin/2026-09.posts.csv', 1960, 'exchange_posts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.414526+00');
INSERT INTO public.ingested_files VALUES ('6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', 'exports/linkedin/2026-10.posts.csv', 2741, 'exchange_posts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.416904+00');
INSERT INTO public.ingested_files VALUES ('698722da74f46505103b4295afbeb70725814b100c52f138c50914bde48c2af3', 'exports/linkedin/2026-11.posts.csv', 2096, 'exchange_posts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.419492+00');
INSERT INTO public.ingested_files VALUES ('9b2568bea7d8f8b03f3466b9190fc0c2cf6ff6d7b118e8191e7d7c8a529ba8eb', 'exports/instagram/followers.accounts.csv', 337, 'exchange_accounts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.426002+00');
INSERT INTO public.ingested_files VALUES ('ae6e27d8aeef35e4385c853e87ec02283dd3a263baf9f002395e9c92a3ab5fd7', 'exports/linkedin/followers.accounts.csv', 340, 'exchange_accounts', 'abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-26 18:23:08.11763+00', 'loaded', NULL, 2, '2026-11-26 18:22:00.429085+00');


--
-- Data for Name: pipeline_runs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.pipeline_runs VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', '2026-11-19', '2026-11-26 18:23:02.63306+00', '2026-11-26 18:23:08.250275+00', 'completed', 8, 8, 0, 112, 0, 25, '{}', '{"sources": [], "sources_failed": 0, "files_seen": 8, "files_loaded": 8, "files_quarantined": 0, "files_ignored": 0, "files_already_ingested": 0, "reingest_reason": null, "scored_accounts_digest": "7b2499c9219d359480708fe1b519cb467dd05b3325b89d272d550860ebb29564", "rows_read": 155, "rows_quarantined": 0, "rows_held_back": 0, "quarantined_by_rule": {}, "rows_superseded": 0, "rows_skipped": 25, "skipped_by_reason": {"no_consent": 25}, "snapshots_skipped": 3, "people_scored": 5, "campaigns": ["velo", "cuisine"], "expectations_failed": [], "expectations_run": 63, "data_docs": "/tmp/oldrun/landing/data-docs/index.html", "posts_written": 112, "snapshots_written": 15, "files_recorded": 8, "scores_published": 10, "posts_purged": 0, "snapshots_purged": 0, "scores_purged": 0}');
INSERT INTO public.pipeline_runs VALUES ('b52577de-3500-491f-aa32-d98b0e564584', '2026-11-20', '2026-11-26 18:23:09.641017+00', '2026-11-26 18:23:16.821968+00', 'completed', 8, 0, 0, 0, 0, 0, '{}', '{"sources": [], "sources_failed": 0, "files_seen": 8, "files_loaded": 0, "files_quarantined": 0, "files_ignored": 0, "files_already_ingested": 8, "reingest_reason": null, "scored_accounts_digest": "7b2499c9219d359480708fe1b519cb467dd05b3325b89d272d550860ebb29564", "rows_read": 0, "rows_quarantined": 0, "rows_held_back": 0, "quarantined_by_rule": {}, "rows_superseded": 0, "rows_skipped": 0, "skipped_by_reason": {}, "snapshots_skipped": 0, "people_scored": 5, "campaigns": ["velo", "cuisine"], "expectations_failed": [], "expectations_run": 46, "data_docs": "/tmp/oldrun/landing/data-docs/index.html", "posts_written": 0, "snapshots_written": 0, "files_recorded": 0, "scores_published": 10, "posts_purged": 0, "snapshots_purged": 0, "scores_purged": 0}');


--
-- Data for Name: posts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-20', 'micro', '2026-09-28 12:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 660, 33, 13, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-21', 'micro', '2026-09-25 20:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 547, 27, 10, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-22', 'micro', '2026-09-23 04:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 596, 29, 11, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-23', 'micro', '2026-09-20 12:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 715, 35, 14, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-24', 'micro', '2026-09-17 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 710, 35, 14, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-25', 'micro', '2026-09-15 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 653, 32, 13, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-26', 'micro', '2026-09-12 12:00:00+00', 'New outfit for the gala', NULL, NULL, 609, 30, 12, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-27', 'micro', '2026-09-09 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 546, 27, 10, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-28', 'micro', '2026-09-07 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 518, 25, 10, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-29', 'micro', '2026-09-04 12:00:00+00', 'New outfit for the gala', NULL, NULL, 712, 35, 14, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-20', 'mega', '2026-09-28 12:00:00+00', 'New outfit for the gala', NULL, NULL, 80498, 4024, 1609, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-21', 'mega', '2026-09-25 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 83612, 4180, 1672, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-22', 'mega', '2026-09-23 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 65748, 3287, 1314, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-23', 'mega', '2026-09-20 12:00:00+00', 'New outfit for the gala', NULL, NULL, 84070, 4203, 1681, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-24', 'mega', '2026-09-17 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 65739, 3286, 1314, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-25', 'mega', '2026-09-15 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 62446, 3122, 1248, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-26', 'mega', '2026-09-12 12:00:00+00', 'New outfit for the gala', NULL, NULL, 85656, 4282, 1713, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-27', 'mega', '2026-09-09 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 85838, 4291, 1716, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-28', 'mega', '2026-09-07 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 86296, 4314, 1725, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-29', 'mega', '2026-09-04 12:00:00+00', 'New outfit for the gala', NULL, NULL, 74157, 3707, 1483, NULL, false, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-20', 'paid', '2026-09-28 12:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin #partenariat', NULL, NULL, 1915, 95, 38, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-21', 'paid', '2026-09-25 20:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain #partenariat', NULL, NULL, 1616, 80, 32, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-22', 'paid', '2026-09-23 04:00:00+00', 'Riding my e-bike to work again today #partenariat', NULL, NULL, 1993, 99, 39, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-23', 'paid', '2026-09-20 12:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver #partenariat', NULL, NULL, 1592, 79, 31, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-24', 'paid', '2026-09-17 20:00:00+00', 'Superbe match hier soir #partenariat', NULL, NULL, 2038, 101, 40, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-25', 'paid', '2026-09-15 04:00:00+00', 'Weekend at the beach with friends #partenariat', NULL, NULL, 1485, 74, 29, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-26', 'paid', '2026-09-12 12:00:00+00', 'New outfit for the gala #partenariat', NULL, NULL, 2034, 101, 40, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-27', 'paid', '2026-09-09 20:00:00+00', 'Superbe match hier soir #partenariat', NULL, NULL, 1558, 77, 31, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-28', 'paid', '2026-09-07 04:00:00+00', 'Weekend at the beach with friends #partenariat', NULL, NULL, 1710, 85, 34, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-29', 'paid', '2026-09-04 12:00:00+00', 'New outfit for the gala #partenariat', NULL, NULL, 1668, 83, 33, NULL, true, 'exports/instagram/2026-09.posts.csv', 'f0c90b4caeecb016c9259978812d814c6be340374cf9ce1e473d430d41e10ae8', '2026-11-26 18:22:00.407662+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-8', 'micro', '2026-10-30 12:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 611, 30, 12, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-9', 'micro', '2026-10-27 20:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 486, 24, 9, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-10', 'micro', '2026-10-25 04:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 660, 33, 13, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-11', 'micro', '2026-10-22 12:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 609, 30, 12, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-12', 'micro', '2026-10-19 20:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 559, 27, 11, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-13', 'micro', '2026-10-17 04:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 669, 33, 13, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-14', 'micro', '2026-10-14 12:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 552, 27, 11, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-15', 'micro', '2026-10-11 20:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 588, 29, 11, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-16', 'micro', '2026-10-09 04:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 512, 25, 10, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-17', 'micro', '2026-10-06 12:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 576, 28, 11, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-18', 'micro', '2026-10-03 20:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 528, 26, 10, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-19', 'micro', '2026-10-01 04:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 542, 27, 10, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-8', 'mega', '2026-10-30 12:00:00+00', 'New outfit for the gala', NULL, NULL, 73780, 3689, 1475, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-9', 'mega', '2026-10-27 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 61870, 3093, 1237, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-10', 'mega', '2026-10-25 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 79239, 3961, 1584, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-11', 'mega', '2026-10-22 12:00:00+00', 'New outfit for the gala', NULL, NULL, 85578, 4278, 1711, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-12', 'mega', '2026-10-19 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 77788, 3889, 1555, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-13', 'mega', '2026-10-17 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 67802, 3390, 1356, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-14', 'mega', '2026-10-14 12:00:00+00', 'New outfit for the gala', NULL, NULL, 85196, 4259, 1703, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-15', 'mega', '2026-10-11 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 75284, 3764, 1505, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-16', 'mega', '2026-10-09 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 75326, 3766, 1506, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-17', 'mega', '2026-10-06 12:00:00+00', 'New outfit for the gala', NULL, NULL, 82590, 4129, 1651, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-18', 'mega', '2026-10-03 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 64437, 3221, 1288, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-19', 'mega', '2026-10-01 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 84588, 4229, 1691, NULL, false, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-8', 'paid', '2026-10-30 12:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin #partenariat', NULL, NULL, 2019, 100, 40, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-9', 'paid', '2026-10-27 20:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain #partenariat', NULL, NULL, 2133, 106, 42, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-10', 'paid', '2026-10-25 04:00:00+00', 'Riding my e-bike to work again today #partenariat', NULL, NULL, 1548, 77, 30, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-11', 'paid', '2026-10-22 12:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver #partenariat', NULL, NULL, 1787, 89, 35, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-12', 'paid', '2026-10-19 20:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin #partenariat', NULL, NULL, 2084, 104, 41, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-13', 'paid', '2026-10-17 04:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain #partenariat', NULL, NULL, 1744, 87, 34, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-14', 'paid', '2026-10-14 12:00:00+00', 'Riding my e-bike to work again today #partenariat', NULL, NULL, 1864, 93, 37, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-15', 'paid', '2026-10-11 20:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver #partenariat', NULL, NULL, 1457, 72, 29, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-16', 'paid', '2026-10-09 04:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin #partenariat', NULL, NULL, 1924, 96, 38, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-17', 'paid', '2026-10-06 12:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain #partenariat', NULL, NULL, 2101, 105, 42, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-18', 'paid', '2026-10-03 20:00:00+00', 'Riding my e-bike to work again today #partenariat', NULL, NULL, 2035, 101, 40, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-19', 'paid', '2026-10-01 04:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver #partenariat', NULL, NULL, 2077, 103, 41, NULL, true, 'exports/instagram/2026-10.posts.csv', 'e167839cfb3fe2427467c87b401fe8257544ffebc2b6926f3a11ad378dd0da8d', '2026-11-26 18:22:00.410484+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-0', 'micro', '2026-11-20 20:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 602, 30, 12, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-1', 'micro', '2026-11-18 04:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 708, 35, 14, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-2', 'micro', '2026-11-15 12:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 514, 25, 10, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-3', 'micro', '2026-11-12 20:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 707, 35, 14, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-4', 'micro', '2026-11-10 04:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 554, 27, 11, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-5', 'micro', '2026-11-07 12:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 581, 29, 11, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-6', 'micro', '2026-11-04 20:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 678, 33, 13, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'micro', 'micro-7', 'micro', '2026-11-02 04:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 578, 28, 11, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-0', 'mega', '2026-11-20 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 75482, 3774, 1509, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-1', 'mega', '2026-11-18 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 63475, 3173, 1269, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-2', 'mega', '2026-11-15 12:00:00+00', 'New outfit for the gala', NULL, NULL, 78704, 3935, 1574, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-3', 'mega', '2026-11-12 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 83300, 4165, 1666, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-4', 'mega', '2026-11-10 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 78390, 3919, 1567, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-5', 'mega', '2026-11-07 12:00:00+00', 'New outfit for the gala', NULL, NULL, 87518, 4375, 1750, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-6', 'mega', '2026-11-04 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 61187, 3059, 1223, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'mega', 'mega-7', 'mega', '2026-11-02 04:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 75857, 3792, 1517, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-0', 'paid', '2026-11-20 20:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 1637, 81, 32, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-1', 'paid', '2026-11-18 04:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 1445, 72, 28, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-2', 'paid', '2026-11-15 12:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 1904, 95, 38, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-3', 'paid', '2026-11-12 20:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 1958, 97, 39, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-4', 'paid', '2026-11-10 04:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin', NULL, NULL, 2041, 102, 40, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-5', 'paid', '2026-11-07 12:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain', NULL, NULL, 1642, 82, 32, NULL, false, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-6', 'paid', '2026-11-04 20:00:00+00', 'Riding my e-bike to work again today #partenariat', NULL, NULL, 1594, 79, 31, NULL, true, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('instagram', 'paid', 'paid-7', 'paid', '2026-11-02 04:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver #partenariat', NULL, NULL, 1900, 95, 38, NULL, true, 'exports/instagram/2026-11.posts.csv', 'b15ff77c59931e50251f6bb8cbd9b4ca394615429ceca61e114fc0fa9a9c68f0', '2026-11-26 18:22:00.41303+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-13', 'emp-yes', '2026-09-29 20:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 126, 6, 2, NULL, false, 'exports/linkedin/2026-09.posts.csv', 'd51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', '2026-11-26 18:22:00.414526+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-14', 'emp-yes', '2026-09-25 20:00:00+00', 'New outfit for the gala', NULL, NULL, 134, 6, 2, NULL, false, 'exports/linkedin/2026-09.posts.csv', 'd51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', '2026-11-26 18:22:00.414526+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-15', 'emp-yes', '2026-09-21 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 112, 5, 2, NULL, false, 'exports/linkedin/2026-09.posts.csv', 'd51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', '2026-11-26 18:22:00.414526+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-16', 'emp-yes', '2026-09-17 20:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 122, 6, 2, NULL, false, 'exports/linkedin/2026-09.posts.csv', 'd51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', '2026-11-26 18:22:00.414526+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-17', 'emp-yes', '2026-09-13 20:00:00+00', 'New outfit for the gala', NULL, NULL, 105, 5, 2, NULL, false, 'exports/linkedin/2026-09.posts.csv', 'd51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', '2026-11-26 18:22:00.414526+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-18', 'emp-yes', '2026-09-09 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 143, 7, 2, NULL, false, 'exports/linkedin/2026-09.posts.csv', 'd51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', '2026-11-26 18:22:00.414526+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-19', 'emp-yes', '2026-09-05 20:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 107, 5, 2, NULL, false, 'exports/linkedin/2026-09.posts.csv', 'd51eb968ddbc946630f7f0f98d29445986a657145a0a2f47a764f6be8850fcda', '2026-11-26 18:22:00.414526+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-5', 'emp-yes', '2026-10-31 20:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain avec @acme https://www.acme.example/velo', NULL, NULL, 116, 5, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-6', 'emp-yes', '2026-10-27 20:00:00+00', 'Riding my e-bike to work again today avec @acme https://www.acme.example/velo', NULL, NULL, 101, 5, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-7', 'emp-yes', '2026-10-23 20:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver avec @acme https://www.acme.example/velo', NULL, NULL, 126, 6, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-8', 'emp-yes', '2026-10-19 20:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin avec @acme https://www.acme.example/velo', NULL, NULL, 114, 5, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-9', 'emp-yes', '2026-10-15 20:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain avec @acme https://www.acme.example/velo', NULL, NULL, 130, 6, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-10', 'emp-yes', '2026-10-11 20:00:00+00', 'Riding my e-bike to work again today', NULL, NULL, 127, 6, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-11', 'emp-yes', '2026-10-07 20:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver', NULL, NULL, 116, 5, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-12', 'emp-yes', '2026-10-03 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 137, 6, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_quiet', 'emp_quiet-1', 'emp-quiet', '2026-10-11 20:00:00+00', 'Weekend at the beach with friends', NULL, NULL, 132, 6, 2, NULL, false, 'exports/linkedin/2026-10.posts.csv', '6328e8c74eeb89be70250a395a115062ca8c6a0cc7d9fb1363e3aae00306e80f', '2026-11-26 18:22:00.416904+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-0', 'emp-yes', '2026-11-20 20:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin avec @acme https://www.acme.example/velo', NULL, NULL, 129, 6, 2, NULL, false, 'exports/linkedin/2026-11.posts.csv', '698722da74f46505103b4295afbeb70725814b100c52f138c50914bde48c2af3', '2026-11-26 18:22:00.419492+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-1', 'emp-yes', '2026-11-16 20:00:00+00', 'La nouvelle PISTE CYCLABLE est géniale #VeloUrbain avec @acme https://www.acme.example/velo', NULL, NULL, 104, 5, 2, NULL, false, 'exports/linkedin/2026-11.posts.csv', '698722da74f46505103b4295afbeb70725814b100c52f138c50914bde48c2af3', '2026-11-26 18:22:00.419492+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-2', 'emp-yes', '2026-11-12 20:00:00+00', 'Riding my e-bike to work again today avec @acme https://www.acme.example/velo', NULL, NULL, 115, 5, 2, NULL, false, 'exports/linkedin/2026-11.posts.csv', '698722da74f46505103b4295afbeb70725814b100c52f138c50914bde48c2af3', '2026-11-26 18:22:00.419492+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-3', 'emp-yes', '2026-11-08 20:00:00+00', 'Vélos électriques : mes trois conseils pour l''hiver avec @acme https://www.acme.example/velo', NULL, NULL, 96, 4, 1, NULL, false, 'exports/linkedin/2026-11.posts.csv', '698722da74f46505103b4295afbeb70725814b100c52f138c50914bde48c2af3', '2026-11-26 18:22:00.419492+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_yes', 'emp_yes-4', 'emp-yes', '2026-11-04 20:00:00+00', 'Mon vélo électrique pour aller au bureau, 10 km chaque matin avec @acme https://www.acme.example/velo', NULL, NULL, 108, 5, 2, NULL, false, 'exports/linkedin/2026-11.posts.csv', '698722da74f46505103b4295afbeb70725814b100c52f138c50914bde48c2af3', '2026-11-26 18:22:00.419492+00');
INSERT INTO public.posts VALUES ('linkedin', 'emp_quiet', 'emp_quiet-0', 'emp-quiet', '2026-11-20 20:00:00+00', 'Superbe match hier soir', NULL, NULL, 144, 7, 2, NULL, false, 'exports/linkedin/2026-11.posts.csv', '698722da74f46505103b4295afbeb70725814b100c52f138c50914bde48c2af3', '2026-11-26 18:22:00.419492+00');


--
-- Data for Name: quarantine; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: validation_results; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'posts', 'exports/instagram/2026-09.posts.csv', true, 30, 0, 11, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"post_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posted_at","unexpected":0},{"expectation":"expect_column_value_lengths_to_be_between","column":"text","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"impressions","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"likes","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"comments","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"shares","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"clicks","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'posts', 'exports/instagram/2026-10.posts.csv', true, 36, 0, 11, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"post_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posted_at","unexpected":0},{"expectation":"expect_column_value_lengths_to_be_between","column":"text","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"impressions","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"likes","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"comments","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"shares","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"clicks","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'posts', 'exports/instagram/2026-11.posts.csv', true, 24, 0, 11, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"post_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posted_at","unexpected":0},{"expectation":"expect_column_value_lengths_to_be_between","column":"text","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"impressions","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"likes","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"comments","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"shares","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"clicks","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'posts', 'exports/linkedin/2026-09.posts.csv', true, 16, 0, 11, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"post_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posted_at","unexpected":0},{"expectation":"expect_column_value_lengths_to_be_between","column":"text","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"impressions","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"likes","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"comments","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"shares","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"clicks","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'posts', 'exports/linkedin/2026-10.posts.csv', true, 18, 0, 11, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"post_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posted_at","unexpected":0},{"expectation":"expect_column_value_lengths_to_be_between","column":"text","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"impressions","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"likes","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"comments","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"shares","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"clicks","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'posts', 'exports/linkedin/2026-11.posts.csv', true, 13, 0, 11, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"post_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posted_at","unexpected":0},{"expectation":"expect_column_value_lengths_to_be_between","column":"text","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"impressions","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"likes","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"comments","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"shares","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"clicks","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'accounts', 'exports/instagram/followers.accounts.csv', true, 9, 0, 6, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"snapshot_date","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"followers","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"followers","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'accounts', 'exports/linkedin/followers.accounts.csv', true, 9, 0, 6, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"platform","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"handle","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"snapshot_date","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"followers","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"followers","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'roster', 'roster.csv', true, 6, 0, 6, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"person_id","unexpected":0},{"expectation":"expect_column_values_to_be_unique","column":"person_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"display_name","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"role","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"role","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"consent","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'campaigns', 'campaigns.yaml', true, 2, 0, 9, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"campaign_id","unexpected":0},{"expectation":"expect_column_values_to_be_unique","column":"campaign_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"name","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"keywords","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"keywords","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"hashtags","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"hashtags","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"hashtags","unexpected":0},{"expectation":"expect_column_pair_values_a_to_be_greater_than_b","column":"end, start","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('abcf38cc-e84c-4aaf-9974-452d56b675a4', 'scores', 'influence_scores', true, 10, 0, 31, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"as_of_date","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"campaign_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"person_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"display_name","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"role","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"role","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"score","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"score","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"rank","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"rank","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"tier","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"reach","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"reach","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"resonance","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"resonance","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"relevance","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"relevance","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"credibility","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"credibility","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"activity","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"activity","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"audience_quality","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"audience_quality","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posts_considered","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"posts_considered","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"sponsored_share","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"sponsored_share","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"run_id","unexpected":0},{"expectation":"expect_compound_columns_to_be_unique","column":"as_of_date, campaign_id, person_id","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"advocacy","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"rank_consistent","unexpected":0}]', '2026-11-26 18:23:08.23645+00');
INSERT INTO public.validation_results VALUES ('b52577de-3500-491f-aa32-d98b0e564584', 'roster', 'roster.csv', true, 6, 0, 6, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"person_id","unexpected":0},{"expectation":"expect_column_values_to_be_unique","column":"person_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"display_name","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"role","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"role","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"consent","unexpected":0}]', '2026-11-26 18:23:16.808934+00');
INSERT INTO public.validation_results VALUES ('b52577de-3500-491f-aa32-d98b0e564584', 'campaigns', 'campaigns.yaml', true, 2, 0, 9, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"campaign_id","unexpected":0},{"expectation":"expect_column_values_to_be_unique","column":"campaign_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"name","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"keywords","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"keywords","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"hashtags","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"hashtags","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"hashtags","unexpected":0},{"expectation":"expect_column_pair_values_a_to_be_greater_than_b","column":"end, start","unexpected":0}]', '2026-11-26 18:23:16.808934+00');
INSERT INTO public.validation_results VALUES ('b52577de-3500-491f-aa32-d98b0e564584', 'scores', 'influence_scores', true, 10, 0, 31, 0, '[{"expectation":"expect_column_values_to_not_be_null","column":"as_of_date","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"campaign_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"person_id","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"display_name","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"role","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"role","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"score","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"score","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"rank","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"rank","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"tier","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"reach","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"reach","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"resonance","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"resonance","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"relevance","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"relevance","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"credibility","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"credibility","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"activity","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"activity","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"audience_quality","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"audience_quality","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"posts_considered","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"posts_considered","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"sponsored_share","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"sponsored_share","unexpected":0},{"expectation":"expect_column_values_to_not_be_null","column":"run_id","unexpected":0},{"expectation":"expect_compound_columns_to_be_unique","column":"as_of_date, campaign_id, person_id","unexpected":0},{"expectation":"expect_column_values_to_be_between","column":"advocacy","unexpected":0},{"expectation":"expect_column_values_to_be_in_set","column":"rank_consistent","unexpected":0}]', '2026-11-26 18:23:16.808934+00');


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (platform, handle, snapshot_date);


--
-- Name: influence_scores influence_scores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.influence_scores
    ADD CONSTRAINT influence_scores_pkey PRIMARY KEY (as_of_date, campaign_id, person_id);


--
-- Name: ingested_files ingested_files_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ingested_files
    ADD CONSTRAINT ingested_files_pkey PRIMARY KEY (sha256, source_path);


--
-- Name: pipeline_runs pipeline_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pipeline_runs
    ADD CONSTRAINT pipeline_runs_pkey PRIMARY KEY (run_id);


--
-- Name: posts posts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_pkey PRIMARY KEY (platform, post_id);


--
-- Name: ix_accounts_person; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_accounts_person ON public.accounts USING btree (person_id);


--
-- Name: ix_influence_scores_campaign_role; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_influence_scores_campaign_role ON public.influence_scores USING btree (as_of_date, campaign_id, role, rank);


--
-- Name: ix_posts_person_posted; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_posts_person_posted ON public.posts USING btree (person_id, posted_at);


--
-- Name: ix_quarantine_run; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_quarantine_run ON public.quarantine USING btree (run_id);


--
-- Name: ix_validation_results_run; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_validation_results_run ON public.validation_results USING btree (run_id);


--
-- PostgreSQL database dump complete
--


