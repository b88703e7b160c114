/** Where jobs and their runs are kept: {@link dev.keel.jobs.store.JobStore} and its JDBC form. */
package dev.keel.jobs.store;
