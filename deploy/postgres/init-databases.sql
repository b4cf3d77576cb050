-- One database and one owner role per service: no service can read another's tables.
-- Runs once, when the PostgreSQL data volume is first created (docker-entrypoint-initdb.d).
-- The passwords are for the local compose platform only.
CREATE ROLE intake LOGIN PASSWORD 'intake';
CREATE DATABASE intake OWNER intake;
CREATE ROLE ocr LOGIN PASSWORD 'ocr';
CREATE DATABASE ocr OWNER ocr;
CREATE ROLE tracking LOGIN PASSWORD 'tracking';
CREATE DATABASE tracking OWNER tracking;
CREATE ROLE notify LOGIN PASSWORD 'notify';
CREATE DATABASE notify OWNER notify;
CREATE ROLE butler LOGIN PASSWORD 'butler';
CREATE DATABASE butler OWNER butler;
CREATE ROLE assessment LOGIN PASSWORD 'assessment';
CREATE DATABASE assessment OWNER assessment;
