-- Runs once, when the postgres volume is first created: one database per app on one server.
CREATE DATABASE auth;
CREATE DATABASE catalog;
CREATE DATABASE orders;
CREATE DATABASE notifications;
