/** The Databricks Jobs API routes and their JSON shapes. */
package dev.keel.jobs.http;
