package io.github.vpcpeeringexternal.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Compares two CDK templates, ignoring what differs by language: every resource's Metadata, the CDKMetadata resource
 * and its condition, the BootstrapVersion parameter and the CheckBootstrapVersion rule.
 */
public final class TemplateDiff {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TemplateDiff() {
    }

    /** Readable differences, one line each: {@code path: expected X, got Y}. */
    public static List<String> diff(final Object expected, final Object actual) {
        List<String> out = new ArrayList<>();
        diff(normalize(expected), normalize(actual), "", out);
        return out;
    }

    static JsonNode normalize(final Object template) {
        final ObjectNode t = ((ObjectNode) MAPPER.valueToTree(template)).deepCopy();
        JsonNode resources = t.path("Resources");
        if (resources instanceof ObjectNode) {
            Iterator<String> ids = resources.fieldNames();
            List<String> drop = new ArrayList<>();
            while (ids.hasNext()) {
                String id = ids.next();
                JsonNode r = resources.get(id);
                if ("AWS::CDK::Metadata".equals(r.path("Type").asText())) {
                    drop.add(id);
                } else if (r instanceof ObjectNode) {
                    ((ObjectNode) r).remove("Metadata");
                }
            }
            ((ObjectNode) resources).remove(drop);
        }
        removeFrom(t, "Parameters", "BootstrapVersion");
        removeFrom(t, "Rules", "CheckBootstrapVersion");
        removeFrom(t, "Conditions", "CDKMetadataAvailable");
        List<String> empty = new ArrayList<>();
        t.fieldNames().forEachRemaining(k -> {
            if (t.get(k).isObject() && t.get(k).isEmpty()) {
                empty.add(k);
            }
        });
        t.remove(empty);
        return t;
    }

    private static void removeFrom(final ObjectNode t, final String section, final String key) {
        if (t.get(section) instanceof ObjectNode) {
            ((ObjectNode) t.get(section)).remove(key);
        }
    }

    private static String show(final JsonNode v) {
        String s = v.toString();
        return s.length() <= 300 ? s : s.substring(0, 297) + "...";
    }

    private static void diff(final JsonNode e, final JsonNode a, final String path, final List<String> out) {
        if (e.isObject() && a.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            e.fieldNames().forEachRemaining(keys::add);
            a.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                String sub = path.isEmpty() ? k : path + "." + k;
                if (!a.has(k)) {
                    out.add(sub + ": missing (expected " + show(e.get(k)) + ")");
                } else if (!e.has(k)) {
                    out.add(sub + ": unexpected (got " + show(a.get(k)) + ")");
                } else {
                    diff(e.get(k), a.get(k), sub, out);
                }
            }
        } else if (e.isArray() && a.isArray()) {
            if (e.size() != a.size()) {
                out.add(path + ": expected " + e.size() + " items " + show(e) + ", got " + a.size() + " items " + show(a));
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                diff(e.get(i), a.get(i), path + "[" + i + "]", out);
            }
        } else if (e.isNumber() && a.isNumber()) {
            if (e.decimalValue().compareTo(a.decimalValue()) != 0) {
                out.add(path + ": expected " + show(e) + ", got " + show(a));
            }
        } else if (!e.equals(a)) {
            out.add(path + ": expected " + show(e) + ", got " + show(a));
        }
    }
}
