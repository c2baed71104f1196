package io.collectoffline.minimal;

import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.UUID;

/** The minimal app's one resource: what a data entry API needs at the least. */
@Path("/api/v1/notes")
public class NoteResource {

    @GET
    public List<Note> list() {
        return Note.listAll();
    }

    @POST
    @Transactional
    public Note create(@Valid Note note) {
        note.id = UUID.randomUUID();
        note.persist();
        return note;
    }
}
