package dev.keel.jobs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.jobs.model.SettingsParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Job settings that are refused, each with a 400 naming the field. */
class ValidationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SettingsParser parser = new SettingsParser(List.of(new TestTask()));

  private void refused(String json, String message) {
    assertThatThrownBy(
            () -> parser.check((ObjectNode) JSON.readTree(json.replace('\'', '"')), true))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining(message);
  }

  @Test
  void a_cycle_is_named() {
    refused(
        "{'tasks':[{'task_key':'a','depends_on':[{'task_key':'c'}],'test_task':{}},"
            + "{'task_key':'b','depends_on':[{'task_key':'a'}],'test_task':{}},"
            + "{'task_key':'c','depends_on':[{'task_key':'b'}],'test_task':{}}]}",
        "cycle: a -> c -> b -> a");
  }

  @Test
  void graph_and_payload_mistakes_name_the_field() {
    refused(
        "{'tasks':[{'task_key':'a','depends_on':[{'task_key':'x'}],'test_task':{}}]}",
        "tasks[0].depends_on[0].task_key");
    refused(
        "{'tasks':[{'task_key':'a','test_task':{}},{'task_key':'a','test_task':{}}]}",
        "tasks[1].task_key");
    refused(
        "{'tasks':[{'task_key':'a','test_task':{},'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}",
        "exactly one payload");
    refused("{'tasks':[{'task_key':'a'}]}", "it has none");
    refused(
        "{'tasks':[{'task_key':'a','notebook_task':{'notebook_path':'/x'}}]}",
        "Keel does not run notebook_task; the task types Keel runs are test_task");
    refused("{'max_concurrent_runs':1001}", "max_concurrent_runs");
    refused(
        "{'tasks':[{'task_key':'a','test_task':{'sleep_ms':'x'}}]}", "tasks[0].test_task.sleep_ms");
    refused(
        "{'tasks':[{'task_key':'a','test_task':{},'depends_on':[{'task_key':'b','outcome':'true'}]},{'task_key':'b','test_task':{}}]}",
        "outcome");
  }

  @Test
  void unknown_references_are_refused() {
    refused("{'tasks':[{'task_key':'a','test_task':{'echo':'{{job.foo}}'}}]}", "{{job.foo}}");
    refused(
        "{'tasks':[{'task_key':'a','test_task':{'echo':'{{tasks.nope.values.x}}'}}]}",
        "no task 'nope'");
    refused(
        "{'tasks':[{'task_key':'a','test_task':{'echo':'{{job.parameters.p}}'}}]}",
        "no parameter 'p'");
    refused("{'tasks':[{'task_key':'a','test_task':{'echo':'{{input}}'}}]}", "for_each_task");
  }

  @Test
  void more_than_a_thousand_tasks_are_refused() {
    StringBuilder s = new StringBuilder("{'tasks':[");
    for (int i = 0; i < 1001; i++) {
      s.append(i == 0 ? "" : ",").append("{'task_key':'t").append(i).append("','test_task':{}}");
    }
    refused(s.append("]}").toString(), "at most 1000 tasks");
  }
}
