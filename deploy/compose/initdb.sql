-- One database per component, as in production (each service owns its schema).
CREATE DATABASE gateway;
CREATE DATABASE usecase;
CREATE DATABASE catalog;
CREATE DATABASE participation;
