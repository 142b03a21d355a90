package it.pecprecheck.verapdf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.verapdf.as.io.ASMemoryInStream;
import org.verapdf.core.EncryptedPdfException;
import org.verapdf.core.ModelParsingException;
import org.verapdf.core.ValidationException;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Rule;
import org.verapdf.pdfa.validation.profiles.RuleId;
import org.verapdf.pdfa.validation.profiles.ValidationProfile;
import org.verapdf.pdfa.validation.validators.ValidatorFactory;

/**
 * PEC Precheck's warm veraPDF: validates one PDF per request, for as long as stdin is open.
 *
 * <p>Protocol (stdin/stdout, one request at a time):
 * <ul>
 *   <li>on start, one line: {@code {"ready":true,"verapdf_version":"1.30.2"}}</li>
 *   <li>request: one JSON line {@code {"id":7,"flavour":"2b"|"auto"|null,"max_failures":0,"length":N}}
 *       followed by exactly N raw bytes of the PDF (no base64: no copy, no inflation; the
 *       bytes stay in memory and are never written to disk)</li>
 *   <li>response: one JSON line: id, flavour, compliant (true/false/null), failed_rules
 *       [{specification, part, clause, test, description, failed_checks, context, message}],
 *       verapdf_version, ms, and error (a reason when compliant is null)</li>
 * </ul>
 * stdout carries responses only; everything else (veraPDF's java.util.logging) goes to stderr.
 * Any Throwable is answered for its request; an OutOfMemoryError is answered and then the
 * process exits with status 3 so the caller starts a fresh JVM.
 */
public final class VeraServer {
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final long MAX_PDF_BYTES = Long.getLong("pecprecheck.maxPdfBytes", 512L << 20);
    private static final int EXIT_OUT_OF_MEMORY = 3;
    /** A sentinel default flavour: veraPDF falls back to its default when the XMP has no
     *  PDF/A claim; a non-PDF/A default tells "no claim" apart from a real PDF/A-1b claim. */
    private static final PDFAFlavour NO_CLAIM_SENTINEL = PDFAFlavour.WCAG_2_2_MACHINE;

    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream out;
    private final String version;
    /** Released on OutOfMemoryError so there is room to answer before exiting. */
    private byte[] reserve = new byte[2 << 20];

    private VeraServer(PrintStream out) {
        this.out = out;
        this.version = veraVersion();
    }

    public static void main(String[] args) throws IOException {
        // stray prints from any library must not corrupt the protocol: stdout is ours alone
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        VeraGreenfieldFoundryProvider.initialise();
        VeraServer server = new VeraServer(protocol);
        server.warmUp();
        server.serve(new BufferedInputStream(System.in, 1 << 16));
    }

    /** The version of the validation model on the class path, from its Maven metadata. */
    private static String veraVersion() {
        Properties pom = new Properties();
        try (InputStream in = VeraServer.class.getResourceAsStream(
                "/META-INF/maven/org.verapdf/validation-model/pom.properties")) {
            if (in != null) {
                pom.load(in);
            }
        } catch (IOException e) {
            System.err.println("veraPDF version unknown: " + e);
        }
        return pom.getProperty("version", "");
    }

    /** Loads the profiles and the validation model's classes (the first file would pay
     *  for them, about a second) by validating a tiny PDF before saying ready. */
    private void warmUp() {
        byte[] tiny = tinyPdf();
        for (String flavour : List.of("1b", "2b", "3b")) {
            ObjectNode request = json.createObjectNode();
            request.put("flavour", flavour);
            ObjectNode answer = answer(null, request, tiny);
            if (answer.hasNonNull("error") || !answer.path("compliant").isBoolean()) {
                System.err.println("warm-up " + flavour + ": " + answer.get("error").asText());
            }
        }
        ObjectNode ready = json.createObjectNode();
        ready.put("ready", true);
        ready.put("verapdf_version", version);
        send(ready);
    }

    /** A one-page PDF with a DeviceRGB fill, for the warm-up, with a correct xref table. */
    private static byte[] tinyPdf() {
        String[] objects = {
            "<</Type /Catalog /Pages 2 0 R>>",
            "<</Type /Pages /Kids [3 0 R] /Count 1>>",
            "<</Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R>>",
            "<</Length 20>> stream\n0 0 1 rg 0 0 5 5 re f\nendstream",
        };
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.length; i++) {
            offsets.add(pdf.length());
            pdf.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
        for (int offset : offsets) {
            pdf.append(String.format("%010d 00000 n \n", offset));
        }
        pdf.append("trailer\n<</Size ").append(objects.length + 1).append(" /Root 1 0 R>>\n")
                .append("startxref\n").append(xref).append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void serve(InputStream in) throws IOException {
        while (true) {
            byte[] header = readLine(in);
            if (header == null) {
                return; // stdin closed: the caller is done with us
            }
            JsonNode request;
            try {
                request = json.readTree(header);
            } catch (IOException e) {
                send(error(null, "bad request: " + e.getMessage()));
                continue;
            }
            JsonNode id = request.get("id");
            long length = request.path("length").asLong(-1);
            if (length < 0 || length > MAX_PDF_BYTES) {
                // the byte count is unknown or refused: the stream cannot be resynchronised
                send(error(id, "bad request: length " + length));
                return;
            }
            byte[] pdf = in.readNBytes((int) length);
            if (pdf.length != length) {
                return; // truncated request: stdin closed
            }
            send(answer(id, request, pdf));
        }
    }

    private ObjectNode answer(JsonNode id, JsonNode request, byte[] pdf) {
        long start = System.nanoTime();
        ObjectNode response;
        try {
            response = validate(id, request, pdf);
        } catch (OutOfMemoryError e) {
            reserve = null;
            pdf = null;
            send(error(id, "out of memory (JVM restarting)"));
            System.exit(EXIT_OUT_OF_MEMORY);
            return null;
        } catch (EncryptedPdfException e) {
            response = error(id, "encrypted PDF: " + message(e));
        } catch (ModelParsingException e) {
            response = error(id, "cannot parse PDF: " + message(e));
        } catch (ValidationException e) {
            response = error(id, "validation failed: " + message(e));
        } catch (Throwable e) { // one bad file must never take the server down
            e.printStackTrace();
            response = error(id, "internal error: " + e);
        }
        response.put("ms", (System.nanoTime() - start) / 1_000_000);
        response.put("verapdf_version", version);
        return response;
    }

    private ObjectNode validate(JsonNode id, JsonNode request, byte[] pdf)
            throws ModelParsingException, EncryptedPdfException, ValidationException {
        String wanted = request.path("flavour").isTextual() ? request.get("flavour").asText() : "auto";
        int maxFailures = request.path("max_failures").asInt(0);
        boolean auto = wanted.isEmpty() || "auto".equals(wanted) || "0".equals(wanted);
        PDFAFlavour requested = auto ? PDFAFlavour.NO_FLAVOUR : PDFAFlavour.byFlavourId(wanted);
        if (!auto && (requested == PDFAFlavour.NO_FLAVOUR || !isPdfA(requested))) {
            return error(id, "unknown flavour " + wanted);
        }
        // ASMemoryInStream is seekable: veraPDF reads it in place instead of spooling to a temp file
        try (PDFAParser parser = Foundries.defaultInstance().createParser(
                new ASMemoryInStream(pdf, pdf.length, false), requested, NO_CLAIM_SENTINEL)) {
            PDFAFlavour flavour = auto ? claimed(parser.getFlavours()) : requested;
            if (flavour == null) {
                ObjectNode noClaim = error(id, "no PDF/A claim");
                noClaim.putNull("flavour");
                return noClaim;
            }
            parser.setFlavours(List.of(flavour)); // validate the PDF/A claim alone (not PDF/UA)
            // one recorded failure per rule is enough to name it; getFailedChecks() counts all
            PDFAValidator validator = ValidatorFactory.createValidator(flavour, false,
                    Math.max(0, maxFailures), 1, true, false);
            ValidationResult result = validator.validate(parser);
            return report(id, flavour, result);
        } catch (RuntimeException | ModelParsingException | EncryptedPdfException | ValidationException e) {
            throw e;
        } catch (Exception e) { // close() of the parser
            throw new ValidationException("closing the parser: " + message(e), e);
        }
    }

    private static boolean isPdfA(PDFAFlavour flavour) {
        return flavour.getPart().getSeries() == PDFAFlavour.IsoStandardSeries.ISO_19005;
    }

    private static PDFAFlavour claimed(List<PDFAFlavour> detected) {
        for (PDFAFlavour flavour : detected) {
            if (flavour != PDFAFlavour.NO_FLAVOUR && isPdfA(flavour)) {
                return flavour;
            }
        }
        return null;
    }

    private ObjectNode report(JsonNode id, PDFAFlavour flavour, ValidationResult result) {
        ValidationProfile profile = result.getValidationProfile();
        Map<RuleId, Integer> counts = result.getFailedChecks();
        Map<RuleId, TestAssertion> firstFailure = new LinkedHashMap<>();
        for (TestAssertion assertion : result.getTestAssertions()) {
            if (assertion.getStatus() == TestAssertion.Status.FAILED) {
                firstFailure.putIfAbsent(assertion.getRuleId(), assertion);
            }
        }
        List<RuleId> failed = new ArrayList<>(counts.keySet());
        for (RuleId rule : firstFailure.keySet()) {
            if (!counts.containsKey(rule)) {
                failed.add(rule);
            }
        }
        failed.sort(Comparator.comparing((RuleId r) -> r.getSpecification().ordinal())
                .thenComparing(RuleId::getClause).thenComparingInt(RuleId::getTestNumber));
        ArrayNode rules = json.createArrayNode();
        for (RuleId ruleId : failed) {
            ObjectNode rule = rules.addObject();
            rule.put("specification", ruleId.getSpecification().getId());
            Integer part = ruleId.getSpecification().getPartNumber();
            if (part != null) {
                rule.put("part", part);
            } else {
                rule.putNull("part");
            }
            rule.put("clause", ruleId.getClause());
            rule.put("test", ruleId.getTestNumber());
            Rule described = profile == null ? null : profile.getRuleByRuleId(ruleId);
            rule.put("description", described == null ? "" : oneLine(described.getDescription()));
            rule.put("failed_checks", counts.getOrDefault(ruleId, 1));
            TestAssertion first = firstFailure.get(ruleId);
            rule.put("context", first == null || first.getLocation() == null ? ""
                    : first.getLocation().getContext());
            rule.put("message", first == null ? "" : oneLine(first.getErrorMessage()));
        }
        ObjectNode response = json.createObjectNode();
        response.set("id", id);
        response.put("flavour", flavour.getId());
        response.put("compliant", result.isCompliant());
        response.set("failed_rules", rules);
        response.put("job_end_status", String.valueOf(result.getJobEndStatus()));
        response.putNull("error");
        return response;
    }

    private ObjectNode error(JsonNode id, String reason) {
        ObjectNode response = json.createObjectNode();
        response.set("id", id);
        response.putNull("compliant");
        response.set("failed_rules", json.createArrayNode());
        response.put("error", reason);
        return response;
    }

    private static String message(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && text.length() < 300; cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return oneLine(text.toString());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }

    private void send(ObjectNode response) {
        try {
            out.print(json.writeValueAsString(response));
        } catch (IOException e) { // Jackson cannot serialise its own tree: should not happen
            out.print("{\"id\":null,\"compliant\":null,\"failed_rules\":[],\"error\":\"cannot encode response\"}");
        }
        out.print('\n');
        out.flush();
    }

    /** One header line without its newline, or null at end of input. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() >= MAX_HEADER_BYTES) {
                throw new IOException("request header too long");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toByteArray();
    }
}
